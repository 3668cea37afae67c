# Hand-written English situations for holdout3 (gen3.py). Labels from ../shared/data/TRIAGE.md
# only. Placeholders in braces are filled by gen3.py with fresh values.


def S(category, priority, subject, body, **kw):
    return {"category": category, "priority": priority, "subject": subject, "body": body, **kw}


SITUATIONS = [
    # ---- security P1: fund safety, written many ways ----
    S("security", "P1", "where is my {coin}",
      "just opened the app and my {coin} is gone. history says withdrawal {amt} {coin} to {addr} "
      "at {hh}. that is not my address, I dont even know what it is. what is going on"),
    S("security", "P1", "Cannot login + email changed",
      "Password not working anymore and I received a mail that the email on my account was "
      "changed to another one. I did not change anything. All my savings are in this account, "
      "please stop it"),
    S("security", "P1", "phone number moved to new SIM",
      "My phone suddenly shows No Service. Called my carrier and they say my number was moved to "
      "a new SIM card this afternoon, I never asked for that. I use SMS codes on your exchange "
      "and have around {usdt} USDT there. Please block all withdrawals until I sort this out"),
    S("security", "P1", "gave code to support??",
      "a man called me from 'customer service' said there is suspicious activity and read me my "
      "UID. I told him the 6 digit code that came on sms, then he hang up quickly. now I am "
      "worried. is my account ok??"),
    S("security", "P1", "fake site",
      "I clicked a google ad for your site, it looked exactly the same but the address was {fake}. "
      "typed my email, password and authenticator code, then it said 'system maintenance'. only "
      "now I see it was not you. what do I do"),
    S("security", "P1", "wallet import error",
      "hi, is this correct recovery phrase format? {seed} . I want import it into the web3 wallet "
      "in your app but it keep saying invalid mnemonic"),
    S("security", "P1", "Import private key",
      "How can I import a wallet with private key? I try this key {hex} and app says "
      "'unsupported format'. It is my main ETH wallet"),
    S("security", "P1", "screenshot on twitter",
      "I posted a screenshot on twitter asking for help with my withdrawal and just realised my 2FA "
      "backup codes were visible in the picture for about an hour. Deleted the tweet now. The "
      "codes were {codes}"),
    S("security", "P1", "API key created - not me",
      "Received 'New API key created' email, label 'bot_{n}', with withdraw permission enabled. "
      "I have never used the API in my life. Please delete it and check my account"),
    S("security", "P1", "whitelist",
      "Notification: a new withdrawal address was added to your whitelist. NOT ME!!! I did not add "
      "any address, someone is in my account"),
    S("security", "P1", "new device login",
      "got email 'Login from new device: Windows / Chrome, {city}, IP {ip}'. I am nowhere near "
      "{city} and I only use my iPhone. Is someone inside my account right now?"),
    S("security", "P1", "authenticator reset",
      "my google authenticator codes stopped working this morning, then I found a mail '2FA has "
      "been reset successfully'. I never requested any reset. who did this??"),
    S("security", "P1", "phone stolen",
      "my phone was grabbed out of my hand on the street 20 min ago. it was unlocked and your app "
      "was open and logged in. writing from a friends laptop. FREEZE MY ACCOUNT", channel="chat"),
    S("security", "P1", "trades I did not make",
      "All my ETH was sold for some coin called {junk} at a crazy price. I did not place these "
      "orders, check the order history between 2 and 3 am. I was sleeping"),
    S("security", "P1", "my mother's account",
      "Writing for my mother (72, UID {uid}). She got a phone call from the 'exchange security "
      "team' who told her to move her coins to a 'safe wallet' they gave her. She sent {amt} "
      "{coin} to {addr} before calling me. She is crying. Please help us, what can be done"),
    S("security", "P1", "Urgent - unrecognised activity on my account",
      "Dear Sir or Madam,\n\nI am writing to you this evening after noticing that my balance is "
      "significantly lower than it was yesterday. When I looked at the transaction history I saw "
      "three withdrawals that I do not recognise, all to the same address ({addr}), of roughly "
      "{amt} {coin} each. I have not shared my password with anyone and I have 2FA enabled, so I "
      "do not understand how this could happen.\n\nI kindly ask you to suspend withdrawals on my "
      "account immediately and to let me know what further steps I should take.\n\nYours "
      "faithfully", channel="email"),
    S("security", "P1", "balance",
      "balance went from {usdt} USDT to 3.12 overnight. I did not trade or withdraw anything. "
      "where did the money go"),
    S("security", "P1", "anydesk",
      "a guy from the telegram 'help desk' asked me to install AnyDesk so he can fix my pending "
      "withdrawal. now the mouse moves by itself and he is still connected, the exchange tab is "
      "open. what to do???", channel="chat"),
    S("security", "P1", "api secret on github",
      "I accidentaly pushed my API key and secret to a public github repo 2 days ago. key: "
      "{apikey}. the repo is deleted now but bots scan github. can you revoke it from your side?"),
    S("security", "P1", "login alerts",
      "Got 5 'failed login attempt' emails from Russia in the last hour and then one 'successful "
      "login'. That was not me. I am changing password now but please check"),
    S("security", "P1", "gmail hacked",
      "my gmail got hacked yesterday. today I see 'your password was changed' mail from you "
      "and I didnt change it, the hacker must have reset it thru my email. I cant log in now"),
    S("security", "P1", "sub account",
      "there is a sub-account in my account that I did not create and coins are moving from my "
      "main account into it, {amt} {coin} so far"),
    S("security", "P1", "is telegram admin real?",
      "I sent 500 USDT 'verification deposit' to the admin of your telegram group so he unlocks "
      "my withdrawal. now he asks another 1000 for 'tax'. is this really your staff?"),
    S("security", "P1", "on the phone with them now",
      "someone says he is from your compliance dept, he is on the line right now and waiting for "
      "the code that just came to my email so he can 'verify' me. is he real? answer quick pls",
      channel="chat"),
    S("security", "P1", "not a deposit question",
      "NOT asking about a deposit. somebody logged into my account and changed my phone number. "
      "I did not do it. I can still see the app but not for long probably"),
    S("security", "P1", "", "acct hacked. all btc gone", channel="chat"),
    S("security", "P1", "two things",
      "Two things: my deposit of {amt} {coin} from yesterday is still not there, but more "
      "importantly I just got an email that withdrawal address {addr} was added to my account. I "
      "did not add that. Please lock it first, deposit can wait"),
    S("security", "P1", "futures I never opened",
      "someone opened {lev}x long positions on my futures account and they got liquidated. I never "
      "trade futures, I never even transferred to futures wallet. somebody was in my account"),
    S("security", "P1", "P2P orders not mine",
      "there are P2P sell ads under my name that I did not create and a buyer is messaging me "
      "that he paid. I never posted any ad. someone has access"),
    S("security", "P1", "wallet validator",
      "I typed my 12 words into a 'wallet validator' site from a youtube comment because my "
      "wallet showed wrong balance. now I read it is a scam. the wallet is connected to your "
      "exchange account. what should I do first"),
    S("security", "P1", "ex knows password",
      "my ex boyfriend knows my password and the authenticator is on HIS phone. we broke up and i "
      "can see an active session from his device in the device list right now. please kick him "
      "out and stop withdrawals"),
    S("security", "P1", "cancel this withdrawal",
      "There is a withdrawal of {amt} {coin} PENDING right now that I did NOT make. cancel it "
      "NOW!!", channel="chat"),
    S("security", "P1", "chrome extension",
      "I installed a chrome extension 'Exchange Helper Pro' last week. since then I see orders in "
      "my history with source 'API' that I didnt place. i dont use api"),
    S("security", "P1", "replied to support email",
      "I replied with my seed words to an email that looked like it came from your support, they "
      "said it's needed for a 'wallet upgrade'. now I see the sender was support-desk@{fake}. "
      "please tell me what to do"),
    S("security", "P1", "someone enter",
      "Please help, my account have been entered by other person, he change my email and phone, "
      "I can not do anything, inside is {btc} BTC. I am very afraid"),
    S("security", "P1", "tokens leaving one by one",
      "I connected the web3 wallet in your app to an 'airdrop claim' page and signed something. "
      "now my tokens are going out one after another to {addr}. how do I stop it"),
    S("security", "P1", "password reset codes I didn't ask",
      "Since morning I get SMS 'your password reset code is {code}' that I never requested, 3 "
      "times, and 10 min ago 'Password changed successfully'. I did not change it."),
    S("security", "P1", "pasted 2fa key in chat",
      "in the chat with your bot I pasted my authenticator setup key by mistake: {totp} . it was "
      "meant for my notes app. is this a problem?", channel="chat"),
    S("security", "P1", "brother",
      "my brother took my phone while i was sleeping and withdrew {amt} {coin} to his own "
      "wallet. I never allowed that. he knows my pin. how do I get it back and block him"),
    S("security", "P1", "posted in discord",
      "I asked for help in a discord server and a 'mod' asked me to fill a form for the sync of "
      "my wallet. i filled my private key in it. after i googled, that's a known scam. account "
      "uid {uid}"),
    S("security", "P1", "device list",
      "Looking at device management I see 3 android phones logged in. I have only an iPad. How "
      "do I remove them? And what did they do?"),
    S("security", "P1", "hacked?",
      "my {coin} went out to {addr} and my email notifications were turned off. I did not turn "
      "them off. txid {txid}"),

    # ---- security, not P1 ----
    S("security", "P3", "phishing sms",
      "got an sms: 'your account will be suspended, verify now at {fake}'. I did not click "
      "anything. just reporting so you can take the site down"),
    S("security", "P3", "fake admin",
      "some 'admin' sent me a private message on telegram offering to speed up my KYC for a fee. "
      "I blocked him. FYI he uses your logo"),
    S("security", "P3", "Suspicious email received",
      "Hello, I received an email from 'Sealdesk Security' asking me to confirm my wallet at "
      "{fake}. The sender domain looks wrong so I deleted it without opening the link. Please "
      "warn other users."),
    S("security", "P3", "scam call",
      "just got a call from someone saying he is from your risk department and my account will be "
      "closed unless I move funds. I hung up and did not tell him anything. wanted to let you know"),
    S("security", "P3", "twitter impersonator",
      "there is a twitter account @sealdesk_help_{n} replying to people and asking them to DM. "
      "pretty sure it's fake. nobody I know fell for it, just report it"),

    # ---- account ----
    S("account", "P2", "lost authenticator",
      "I lost my phone with google authenticator on holiday (dropped in the sea lol). nobody else "
      "has it and there is nothing strange in my account, but now I cant log in without the code. "
      "how to reset 2fa"),
    S("account", "P2", "not hacked",
      "Not hacked, to be clear, I changed my phone number myself last week. Now the SMS code goes "
      "to the old number and I cannot log in. how do I update it"),
    S("account", "P2", "locked",
      "account locked after entering wrong password too many times. it says try again in 24 hours "
      "but I need to get in today"),
    S("account", "P2", "reset email never comes",
      "forgot password, clicked reset 6 times, no email arrives (checked spam). can't log in for 2 "
      "days now"),
    S("account", "P2", "account frozen",
      "Why is my account frozen??? no email, no explanation, I just see 'account disabled' when "
      "I log in. I need my money"),
    S("account", "P2", "face check fails",
      "every time I try to log in on a new phone it asks face verification and fails 'face does "
      "not match'. it is my face!! I am stuck outside my account for a week"),
    S("account", "P2", "wiped my phone",
      "I factory reset my phone myself to sell it and forgot the authenticator app was on it. "
      "nothing stolen, nobody has the phone except the new owner who got it wiped. now login asks "
      "for a code I dont have"),
    S("account", "P3", "KYC rejected",
      "my KYC got rejected with 'document blurry'. I uploaded 3 times with good light. what "
      "resolution do you need? is passport better than ID card?"),
    S("account", "P3", "KYC waiting",
      "submitted KYC {days} days ago still 'under review'. how long does it normally take?"),
    S("account", "P3", "name after marriage",
      "I got married and my passport now has a different surname than my KYC. what documents "
      "do you need to update the name?"),
    S("account", "P3", "verification email at signup",
      "trying to register, the verification email never arrives at my outlook address. tried "
      "{n} times. other sites work fine"),
    S("account", "P3", "selfie",
      "KYC selfie step keeps saying 'no face detected' (maybe beard lol). any tips? or can I do it "
      "on the website instead of app"),
    S("account", "P4", "", "how to change nickname", channel="chat"),
    S("account", "P4", "close account",
      "I would like to close my account, I don't use it anymore. balance is 0. what is the "
      "procedure?"),
    S("account", "P4", "sub-accounts",
      "Can I create sub-accounts for my trading bots on a normal account or do I need VIP?"),
    S("account", "P4", "move authenticator",
      "buying a new phone next week. how do I move google authenticator to it? old phone still "
      "works fine"),
    S("account", "P4", "age",
      "Im 17, can I register if my dad does the KYC? or do I have to wait"),
    S("account", "P4", "login email",
      "Got a 'new login' email from {city}. It was me, I am on a VPN. Everything fine. Question: "
      "where can I see the list of devices that are logged in?"),
    S("account", "P4", "anti-phishing code",
      "where do I set the anti-phishing code so your emails show it?"),
    S("account", "P4", "change email",
      "how can I change the email address on my account to my new work email? i still have "
      "access to both"),

    # ---- deposit ----
    S("deposit", "P2", "deposit not received",
      "sent {amt} {coin} via {net} {hours} hours ago, explorer shows confirmed, txid {txid}, but "
      "my balance is still the same. please check"),
    S("deposit", "P2", "wrong network",
      "I deposited USDT using BEP20 to my ERC20 deposit address {eth_addr}. Same address format "
      "so it went through but nothing in my account. Can you recover it? amount {usdt} USDT"),
    S("deposit", "P2", "forgot the tag",
      "sent XRP from another exchange and forgot to put the destination tag. amount 1,840 XRP. "
      "still not credited after a day"),
    S("deposit", "P2", "card charged, no balance",
      "bought USDT with my visa ending {card4}, bank says money is taken (EUR {usdt}) but my "
      "balance did not change. order shows 'processing' since yesterday"),
    S("deposit", "P2", "SEPA",
      "SEPA transfer of {usdt} EUR sent on monday, reference code included, still not on my "
      "account after {days} days"),
    S("deposit", "P2", "unsupported token",
      "I sent {junk} token to my ETH deposit address, didn't know you don't support it. can it "
      "be returned or credited?"),
    S("deposit", "P2", "for my friend",
      "my friend sent me {amt} {coin} from his exchange to my deposit address yesterday, he shows "
      "me the txid {txid} but I see nothing in my account. is it lost?"),
    S("deposit", "P2", "less than sent",
      "deposited {amt} {coin} but only part of it was credited, about 40% less. where is the rest"),
    S("deposit", "P2", "", "deposit still not arrived 3 hours already!!!!!!", channel="chat"),
    S("deposit", "P2", "memo missing - EOS",
      "Sent EOS without memo to your deposit address, a lot of money for me. Please, I beg, return "
      "it. I can give any proof"),
    S("deposit", "P3", "card declined",
      "trying to top up with mastercard but it is declined every time, 'error 05 do not honor'. "
      "money is not taken. other shops work with the card"),
    S("deposit", "P4", "minimum deposit",
      "whats the minimum deposit for {coin} on {net}?"),
    S("deposit", "P4", "deposit address",
      "where do I find my SOL deposit address in the app? cant find the button"),
    S("deposit", "P4", "confirmations",
      "how many confirmations do you need for a BTC deposit before it shows up?"),
    S("deposit", "P4", "old address",
      "The deposit address shown in the app changed. Does the old address still work or should I "
      "update my wallet?"),
    S("deposit", "P4", "which network cheap",
      "which network is cheapest to deposit USDT? sending from my metamask"),

    # ---- withdrawal ----
    S("withdrawal", "P2", "pending",
      "withdrawal of {amt} {coin} pending for {hours} hours. usually takes 5 minutes. no txid yet"),
    S("withdrawal", "P2", "failed but deducted",
      "Withdrawal status 'failed' but {amt} {coin} is taken from my balance and not returned. "
      "please return it or send it"),
    S("withdrawal", "P2", "wrong address typed",
      "I made a mistake, I pasted the wrong address when withdrawing, {amt} {coin} to {addr}. It "
      "is an old address of mine from an exchange that closed. Is there any way to get it back?"),
    S("withdrawal", "P2", "wrong UID",
      "i sent {usdt} USDT internal transfer to UID {uid2} but my friend's uid is {uid}. typed one "
      "number wrong. please reverse it"),
    S("withdrawal", "P2", "cancelled by system",
      "my withdrawal was cancelled by system 3 times with no reason. error: 'WITHDRAW_REJECTED "
      "code 40013'. just want my money out"),
    S("withdrawal", "P2", "other exchange doesn't support",
      "I withdrew {usdt} USDT on BEP20 to my account on another exchange, they say they only "
      "support ERC20 and cannot credit it. what now?"),
    S("withdrawal", "P2", "fiat to bank",
      "Withdrew {usdt} EUR to my bank {days} days ago, status completed, bank has nothing. "
      "Can you send a proof of payment?"),
    S("withdrawal", "P2", "success but not in wallet",
      "your side says completed and the txid {txid} shows success but my ledger wallet shows 0. "
      "what's going on?"),
    S("withdrawal", "P2", "forgot memo to other exchange",
      "I withdrew XLM to another exchange but forgot the memo. they say they need a letter from "
      "you to credit it. can you provide"),
    S("withdrawal", "P2", "stuck + suggestion",
      "withdrawal stuck in 'processing' {hours}h. also, unrelated, please add dark mode to the "
      "web site, my eyes hurt at night"),
    S("withdrawal", "P3", "fee too high",
      "why is the withdrawal fee for USDT ERC20 so high? it was 15 USDT for {usdt} USDT. is that "
      "fixed or percentage?"),
    S("withdrawal", "P3", "fee different from shown",
      "the app said network fee 1 USDT but the history shows 2.5 was taken. which one is right?"),
    S("withdrawal", "P4", "limit",
      "how do I increase my daily withdrawal limit? I am KYC level 2"),
    S("withdrawal", "P4", "whitelist how",
      "How to add an address to the withdrawal whitelist? I want to turn it on for safety"),
    S("withdrawal", "P4", "24h after password change",
      "I changed my password myself this morning and now it says withdrawals disabled for 24 "
      "hours. is that normal? just want to understand"),
    S("withdrawal", "P4", "lightning",
      "do you support BTC withdrawals via lightning network?"),

    # ---- trading ----
    S("trading", "P3", "limit order not filled",
      "my limit buy at {price} was not filled but the chart clearly went below {price}. order id "
      "{order}"),
    S("trading", "P3", "maker taker",
      "what is the maker fee for me? I am VIP 0 but my history shows 0.1% on a limit order that "
      "sat in the book. should not be taker"),
    S("trading", "P3", "slippage",
      "market sold {amt} {coin} and got 3% lower than the price shown on screen. is this normal "
      "slippage? feels too big"),
    S("trading", "P2", "liquidation",
      "I was liquidated on BTC perp at {hh} because of a wick that only happened on your "
      "exchange. other exchanges did not show this price. I lost {usdt} USDT. I want "
      "compensation"),
    S("trading", "P4", "funding",
      "how does funding rate work, when is it paid, every 8h?"),
    S("trading", "P3", "convert",
      "convert page keeps saying 'quote expired' when I press confirm, tried 10 times"),
    S("trading", "P2", "p2p seller not releasing",
      "I paid the P2P seller {usdt} via bank transfer 2 hours ago and marked as paid. he is not "
      "releasing the USDT and not answering chat. order {order}"),
    S("trading", "P2", "p2p buyer says paid",
      "P2P buyer clicked 'paid' but I got nothing in my bank. he keeps pushing me to release. "
      "I will not release. please appeal the order {order}"),
    S("trading", "P4", "balance 0 after transfer",
      "my spot balance shows 0 which scared me, then I remembered I moved everything to futures "
      "wallet yesterday myself. how do I move it back?"),
    S("trading", "P3", "margin interest",
      "margin interest charged looks like double what the rate page says. can you explain the "
      "calculation for my loan of {usdt} USDT"),
    S("trading", "P3", "cancel stuck",
      "order stuck in 'cancelling' for an hour. cant place new order because funds are locked in it"),
    S("trading", "P4", "grid bot",
      "how to set up a grid bot? is there a tutorial"),
    S("trading", "P2", "ADL",
      "my profitable short was closed by auto-deleveraging and I lost the profit and some margin "
      "({usdt} USDT). I dispute this, it should not happen to me"),
    S("trading", "P3", "fills at two prices",
      "1 order but it filled in 4 parts at different prices? i thought limit = one price"),
    S("trading", "P4", "", "what is difference isolated vs cross margin", channel="chat"),
    S("trading", "P3", "fee discount",
      "I hold BNB but the fee discount is not applied to my trades since last week. is the "
      "setting broken?"),

    # ---- technical ----
    S("technical", "P3", "app crash",
      "after updating to {ver} the iOS app closes itself right after the splash screen. "
      "reinstalled, same"),
    S("technical", "P3", "API timestamp",
      "API returns {{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the "
      "recvWindow.\"}} even though my server clock is synced with NTP. what else can cause it?"),
    S("technical", "P3", "429",
      "Getting HTTP 429 Too Many Requests on GET /api/v3/depth with only 2 requests per second. "
      "The docs say the limit is 20/s. Is it per IP or per key?"),
    S("technical", "P3", "chart",
      "candles on the 1m chart for ETH/USDT are missing between {hh} and now, just a flat line"),
    S("technical", "P3", "502",
      "website gives 502 Bad Gateway for me since an hour. app works. is it down?"),
    S("technical", "P3", "websocket",
      "websocket user data stream disconnects every ~10 min with code 1006. listenKey is "
      "refreshed every 30 min"),
    S("technical", "P4", "api docs",
      "is there an endpoint to get historical funding rates? couldnt find it in the docs"),
    S("technical", "P3", "price differs",
      "price of SOL on the app and on the website is different by 2 dollars at the same time. "
      "which one is real?"),
    S("technical", "P3", "push",
      "push notifications for filled orders stopped working on android, permissions are on"),
    S("technical", "P3", "translation",
      "the turkish version of the site shows keys like 'withdraw.form.label.amount' instead of "
      "text"),
    S("technical", "P3", "", "app very slow today every click 10 sec", channel="chat"),
    S("technical", "P3", "export csv",
      "trade history export CSV is empty for last month, only header row"),

    # ---- compliance ----
    S("compliance", "P2", "source of funds",
      "my withdrawal is on hold and you ask for 'source of funds'. I sold my car, what exactly do "
      "you need? the money is blocked since {days} days"),
    S("compliance", "P2", "deposit frozen - risk",
      "my deposit of {amt} {coin} is credited but frozen, support said the sending address is "
      "linked to a mixer. I bought it P2P, I don't know anything about mixers. how to release it"),
    S("compliance", "P3", "tax statement",
      "I need an annual statement of my trades for 2025 for my tax return. where can I download "
      "it?"),
    S("compliance", "P2", "travel rule",
      "withdrawal on hold, it asks me to fill beneficiary name and wallet provider (travel rule?). "
      "its my own wallet. until I fill it the money is stuck"),
    S("compliance", "P2", "EDD",
      "account restricted to 'withdraw only' and I got an enhanced due diligence questionnaire. "
      "I cannot trade until I answer. why me?"),
    S("compliance", "P4", "license",
      "is your exchange licensed in Germany? I want to know before I deposit"),
    S("compliance", "P2", "deposit from wife's account",
      "I sent a bank transfer from my wife's account and it is held as a third-party payment. "
      "she agrees, she is my wife. {usdt} EUR blocked"),
    S("compliance", "P3", "tax form",
      "do you issue 1099 forms for US customers? my accountant is asking"),
    S("compliance", "P2", "country restriction",
      "got email that because of regulations in my country my account is now restricted, cannot "
      "deposit or trade. what happens to my {coin}?"),
    S("compliance", "P4", "police request how",
      "I am a police officer in a fraud unit. what is the procedure and address for sending an "
      "official data request to your company?"),

    # ---- general ----
    S("general", "P4", "listing", "Please list {junk}, great community, 40k holders"),
    S("general", "P4", "competition",
      "how do I join the trading competition? do I need to register or is it automatic"),
    S("general", "P4", "thank you",
      "just want to say the support guy yesterday (Mark?) was super helpful. thanks!"),
    S("general", "P4", "partnership",
      "We are a market making firm interested in a partnership. Who should we contact?"),
    S("general", "P4", "suggestion",
      "suggestion: allow to hide small balances on the assets page, too much dust"),
    S("general", "P4", "reserves",
      "saw news that another exchange went bankrupt. do you publish proof of reserves? where"),
    S("general", "P4", "VIP",
      "what do I need for VIP 1? monthly volume or balance?"),
    S("general", "P4", "support slow",
      "not a problem, just feedback: your chat took 40 minutes to answer, that is too long"),
    S("general", "P4", "", "is there a referal bonus now", channel="chat"),
    S("general", "P4", "merch",
      "do you sell merch? hoodies etc"),
    S("general", "P4", "launchpad",
      "when is the next launchpad and how to participate"),

    # ---- more mixed and long situations ----
    S("withdrawal", "P2", "RE: RE: withdrawal",
      "This is my third email. Withdrawal {amt} {coin} to {addr} created {days} days ago is "
      "'under review'. Nobody answers. I am a customer for 4 years. I am not hacked, I made the "
      "withdrawal myself, I just want it processed.", channel="email"),
    S("trading", "P3", "order not filled + listing",
      "1) my stop-limit order {order} did not fill 2) can you list {junk} please"),
    S("deposit", "P2", "",
      "bro i sent {coin} to the address in the app {net} network, wallet shows success, here: "
      "{txid}. your app nothing. 5 hours!!!", channel="social"),
    S("security", "P1", "login from abroad",
      "someone from {city} logged into my account at {hh} (IP {ip}), I live in Lisbon and was "
      "asleep. also they tried a withdrawal which failed because of whitelist. please block"),
    S("security", "P1", "2fa unbound",
      "i got mail 'authenticator unbound' 10 min ago. i did NOT do it. now login asks only sms. "
      "something is wrong"),
    S("account", "P2", "cant login error",
      "login error: 'ERR_SESSION_INVALID (code 1003)' every time after entering the 2fa code. I "
      "am locked out since yesterday"),
    S("technical", "P3", "error pasted",
      "Error while placing order:\nTypeError: Cannot read properties of undefined (reading "
      "'price')\n    at OrderForm.submit (main.8f3a.js:1:40211)\non Chrome 124"),
    S("security", "P1", "seed in support chat",
      "here my words so you can check my wallet balance: {seed24}"),
    S("security", "P1", "lost phone logged in",
      "I left my phone in a taxi. No lock screen, and your app stays logged in. I have {usdt} "
      "USDT. I cant reach the driver. please freeze until I get a new phone"),
    S("account", "P2", "lost phone locked",
      "lost my phone yesterday, it has face lock and the app asks PIN too so I think it is safe, "
      "no strange emails. but I need to log in from my laptop and 2FA was on that phone"),
    S("security", "P1", "email changed message",
      "Hey. Your system sent me 'Email address updated'. I didn't update anything. what "
      "happened? UID {uid}"),
    S("withdrawal", "P2", "sent to contract address",
      "I withdrew {usdt} USDT and pasted the USDT contract address instead of my wallet. my "
      "mistake. is it gone forever?"),
    S("compliance", "P2", "mixer withdrawal",
      "withdrawal blocked: 'destination address flagged by screening'. it is my friends wallet, "
      "he used Tornado once long ago. now my {amt} {coin} is stuck"),
    S("technical", "P3", "API signature",
      "{{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}} only for POST "
      "requests with a body, GET works. python requests lib"),
    S("trading", "P2", "liquidated price feed",
      "why was I liquidated when mark price never reached my liquidation price??? I have "
      "screenshots. {usdt} USDT lost"),
    S("general", "P4", "complaint about app design",
      "new app design is terrible, bring back the old one"),
]
