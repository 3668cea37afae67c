"""Round-10 WA triage situations, English: live-chat transcripts and world English
(Indian, Nigerian, Ghanaian, Filipino, Singaporean, Vietnamese, Russian, Turkish, Latin-American,
machine-translated). Hand-written; labelled by /work/shared/data/TRIAGE.md. Rendered by gen10.py."""

RAW = r"""
@ security P1 chat | chat transcript
{B}: Hi! I'm your virtual assistant. How can I help today?
{U}: withdrawal
{B}: It looks like you have a question about withdrawals. Withdrawals usually take 5-30 minutes depending on network congestion.
{U}: no no. i did not do any withdrawal. it is showing {amt} {coin} sent to {addr} at {time}
{B}: Sorry, I didn't understand. Please choose: Deposit / Withdrawal / Account
{U}: AGENT. [[somebody took my coins|my {coin} is gone to some unknown address|this is not my withdrawal]] pls block my account asap

@ security P1 chat | chat
[{t0}] {B}: Welcome! Please describe your issue.
[{t1}] {U}: Good morning sir, I am getting OTP messages since morning which I did not request
[{t2}] {B}: For OTP issues, please check your SMS inbox and network signal.
[{t3}] {U}: now my phone is showing "No Service" and airtel customer care is saying my SIM was [[replaced yesterday at some store|reissued on new card]]. I never went to any store
[{t4}] {U}: i can still open your app on wifi but i am scared. kindly do the needful and block withdrawals

@ security P1 email | Kindly help urgent
Dear Sir/Madam,
I wish to bring to your notice that my account UID {uid} has been tampered with. This morning I received mail that my email address was changed to another one and I did not do it. When I try to login now it is saying incorrect password. [[Kindly freeze my account immediately|Please kindly help me to block the account before they remove my funds]]. I have {usd} USDT inside.
Thanks and God bless.

@ security P1 chat | chat
{B}: Hello! Ask me anything about your account.
{U}: my balance is 0
{B}: If you recently transferred funds to Futures or Earn, your Spot balance may show 0. Please check Assets > Overview.
{U}: i checked everywhere. no futures, no earn. history shows {amt} {coin} withdrawn {hours} hours ago to address i dont know. i was [[sleeping|at work|on flight]] at that time
{A}: Hi, this is {A}, I can see you're worried. Can you confirm you did not approve this?
{U}: YES I did not approve. what is this

@ security P1 web | API key
Hello, there is an API key named "[[bot1|trade_api|tv_alert]]" in my API management that I never created. I never use API at all. Also there are many small trades in {coin2} pairs in my order history from last night. Please stop it, I don't know how they got in.

@ security P1 chat | chat
{U}: hello is anyone there
{B}: Hi! Our agents are busy. Meanwhile, here are some articles: "How to reset your password".
{U}: not password. someone message me on telegram as your support, he said my account have suspicious activity and ask me for the 6 digit code from sms. i gave him the code
{U}: [[after 2 min|right after that]] i get email "withdrawal confirmed". please help me!!

@ security P1 social | @support pls help
@support I already DM you but nobody reply. My account login from {ip} (not me, I am in Lagos) and my 2FA is now showing disabled. Please lock my account UID {uid} before my money go

@ security P1 chat | chat transcript
{B}: Hello! How can I help?
{U}: I want to ask about deposit
{B}: To deposit, go to Wallet > Deposit and select the coin and network.
{U}: no wait it is not deposit sorry. I got email just now "new withdrawal address added to whitelist" and i did not add any address. the address is {addr}
{B}: Thank you. Is there anything else?
{U}: yes i need human. I did not add it!! [[please disable withdrawals|please stop any withdrawal]]

@ security P1 email | Recovery phrase - is it safe?
Hi team, your agent on WhatsApp told me to verify my wallet by sending my recovery words, I wrote them here also so you can check: {seed12}
Is my wallet verified now? I am waiting for the bonus he promised.

@ security P1 chat | chat
[{t0}] {U}: hi i was doing screen share with your technical team on anydesk to fix my deposit
[{t1}] {B}: For deposit issues, please provide TXID.
[{t2}] {U}: now the anydesk guy is not replying and my futures wallet is empty. [[I think he transfered it out|he moved everything somewhere]]. {amt} {coin}. my laptop screen was moving by itself
[{t3}] {U}: urgent pls

@ security P1 web | Unknown login + password change
Since yesterday night I am getting notifications "password changed successfully" and "login from new device ([[Windows, Moscow|Android, Jakarta|Linux, unknown location]])". I am in Manila and I did not change password. I can still login with old session on my phone. What to do, my {usd} USDT is in there.

@ security P1 chat | chat
{B}: Hi there! Please select a topic.
{U}: Security
{B}: To enable 2FA, go to Profile > Security > Google Authenticator.
{U}: I don't want to enable, somebody already CHANGED my google authenticator. i got the mail "Authenticator reset completed" and i never requested reset
{A}: Hi, I'm {A}. Did you receive the reset request email earlier?
{U}: no. only the completed one. please lock it

@ security P1 email | my money is finish
Good day. I logged in this morning and my money is finish. I had {amt} {coin} yesterday evening. In the history there is convert to {coin2} and then withdrawal to {addr}. I did not do any of this transactions. Please [[help me recover|trace and recover]] it, I beg you.

@ security P1 chat | chat
{U}: hi
{B}: Hi! How can I help you today?
{U}: is it safe to put private key in chat
{B}: Please never share your private key with anyone.
{U}: oh. i already posted it in your telegram group when admin asked: {pk}
{U}: it is for my metamask that i use to deposit here, [[still has some ETH and {coin}|my funds are still there]]

@ security P1 social | Twitter reply
replied to fake "support" account on X, they sent me a link, i logged in with my email + password + google code, then page said "verification failed". 10 min later withdrawals of {usd} USDT started. pls freeze uid {uid}

@ security P1 phone | callback note
Customer called from a new number. Says his phone was stolen from his pocket on the train {hours} hours ago, phone had no screen lock and the app was logged in. He cannot log in from the new phone because SMS goes to the old SIM. Asks to block account.

@ security P1 chat | chat transcript
{B}: Hello, I'm the support bot. What's your question?
{U}: futures liquidation
{B}: Liquidation happens when your margin falls below the maintenance margin. Read more: Futures Guide.
{U}: no listen. i didnt open any futures. there are {lev}x positions in my account that I never opened and they got liquidated. [[somebody is trading in my account|someone else has access]]
{U}: i only use spot. please check login history

@ security P1 email | Account accessed from another country
Hello,
Your system emailed me "Successful login from {ip} (Vietnam)". I am in Turkey and this was not me. I changed my password now but the sub-account I have shows transfer of {amt} {coin} to a UID {uid2} which is not mine. Please take action.

@ security P1 chat | chat
[{t0}] {U}: hello can speak english?
[{t1}] {B}: Yes! How can I help?
[{t2}] {U}: my brother used my phone and he knows my password, he withdraw my {coin} without permission to his wallet. i want to change everything and stop him
[{t3}] {B}: For withdrawal status, please check Transaction History.
[{t4}] {U}: not status!! he is doing it now, there is another withdrawal pending

@ security P1 web | 2FA backup codes leaked
I stupidly uploaded a screenshot to a public Discord server asking for help and it contained my 2FA backup codes: {codes}. It has been up for about {mins} minutes. Nothing has happened yet but please help me secure the account.

@ security P1 chat | chat
{U}: helo sir good evening
{B}: Good evening! How can I help?
{U}: i receive email "Your phone number has been changed". my number is same in my hand, i didnt change
{B}: You can update your phone number in Profile > Security.
{U}: I KNOW how to update. somebody else changed it!! [[pls stop|kindly block]] before they do withdrawal

@ security P1 email | Authorised a fake "security upgrade"
Sir, yesterday one lady called me saying she is from your compliance department and my account will be suspended if I don't do security upgrade. She told me to install an app and read her the code coming to my email. I did it. Now today my assets page shows only 3 USDT, before it was {usd}. Please help me sir I am a small trader.

@ security P1 chat | chat
{B}: Welcome back! Choose an option: 1) Deposit 2) Withdraw 3) Other
{U}: 3
{B}: Please type your question.
{U}: the coins did not reach
{B}: For deposits not credited, please provide the TXID.
{U}: i mean the coins went out of my account but i never sent them. {amt} {coin}, txid {txid}. i dont know this address
{U}: [[please investigate|kindly revert asap]]

@ security P1 social | facebook messenger
Hello admin, I need help urgent my account is hijack. They change the email and they put their own google authenticator. I still receive the SMS. UID {uid}. Pls revert.

@ security P1 chat | chat
{U}: good day. can you check if this is your official site: [[binance-secure-verify|exchange-support-kyc|wallet-validation-center]] dot com
{B}: Please only use our official website and app.
{U}: ok because i already connected my wallet there and approved something, now {amt} {coin} left my wallet and my exchange account also shows login from Brazil

@ security P1 email | seed phrase for recovery
Hello support,
I cannot access my trust wallet, I am giving you my 24 words so you can restore it and send coins back to my exchange account:
{seed24}
Please do it quickly because I need the money.
Regards, {name}

@ security P1 chat | chat
[{t0}] {B}: Hi! How can I help you?
[{t1}] {U}: cancel my order
[{t2}] {B}: To cancel an open order, go to Orders > Open Orders and tap Cancel.
[{t3}] {U}: it's not my order. there are sell orders for all my {coin} at very low price that I didn't place, some already filled. [[who is doing this|is my account compromised?]]
[{t4}] {U}: I'm changing password now but please freeze

@ security P1 web | Remote access during "KYC help"
A person in the Telegram group offered to help me complete KYC faster. I gave him TeamViewer access to my PC. While he was connected I saw the exchange tab open on its own. After that I got SMS that withdrawal of {amt} {coin} was submitted. I did not submit it.

@ security P1 chat | chat transcript (reopened)
--- chat closed by bot (no reply) ---
--- chat reopened ---
{U}: sorry i was away. as i said before, my account has login from new device i dont recognise, iPhone 15, and i only use android
{B}: Thanks for reaching out again! How can I help?
{U}: read above!! also now there's a new API key with withdraw permission. [[delete it please|not mine]]

@ security P1 email | Sub-account API compromised
We run a small market making bot on a sub-account. This morning the API key of the sub-account was used from {ip}, which is not our server, and it moved {amt} {coin} to the master account and then a withdrawal request was created to {addr}. We have not done that. Please block the key and the withdrawal immediately. Master UID {uid}.

@ security P1 chat | chat
{U}: i think my email is compromised. gmail says someone logged in from Nigeria and i'm in Ghana
{B}: If you forgot your email password, please contact your email provider.
{U}: no. they can use my email to reset exchange password. already i see "password reset requested" mail from you which i didnt request. [[block it|freeze my account please]]

@ security P1 social | IG DM
Hi, your instagram "support" told me to send {usd} USDT to a "verification wallet" to unlock my withdrawal. I sent it 10 minutes ago to {taddr}. Now they ask for more. Is this you??? If not please help me stop this, I am about to send the second part.

@ security P1 chat | chat
{B}: Hello, how can I help?
{U}: since morning i am trying to login, it says "account has been logged in on another device, session ended"
{B}: Please clear cache and try again.
{U}: it happen every 5 minutes. someone is logging in. and now my login password does not work. [[my money is hanging there|all my savings are there]]

@ security P1 email | Leaked password on GitHub
Hi, I accidentally pushed a config file to a public GitHub repo with my exchange API key and secret (key {apikey}) and the account email + password. It was public for about {hours} hours. I see no trades yet. Please revoke and help me lock the account.

@ security P1 chat | chat
[{t0}] {U}: Hi, I have a problem with P2P
[{t1}] {B}: For P2P disputes, please use the Appeal button in the order.
[{t2}] {U}: not a dispute. I didn't make any P2P order but there is a P2P sell order of {usd} USDT from my account marked completed, buyer name I don't know. [[someone logged in|somebody is using my account]]

@ security P1 web | Phone lost, app open
Lost my phone in a Grab car {hours} hours ago. The exchange app was open and logged in, phone has face unlock only off (no lock). Google Authenticator is also on that phone. Please freeze my account UID {uid}, I am writing from my friend laptop.

@ security P1 chat | chat
{B}: Hi! I can help with deposits, withdrawals and more.
{U}: withdraw
{B}: Withdrawal fees vary by network. See our Fee Schedule.
{U}: my withdrawal address whitelist now has [[3 new addresses|addresses I don't know]] and whitelist protection got switched OFF. i always keep it ON. it wasn't me
{A}: Hi, this is {A}. Let me check.
{U}: please hurry

@ security P1 email | Wrong person has my account
My ex-husband knows my login details and 2FA is on his old phone. I saw today that he logged in and withdrew {amt} {coin} from my account. I want him removed and my account secured.

@ security P1 chat | chat
{U}: hello someone called me saying they are from exchange and my account will be closed, they asked for the code in sms and i gave
{B}: We will never ask for your verification code.
{U}: i know now!! what do i do, they are still on the phone with me saying to read the next code
{U}: [[the next code just came|new code came again]]

@ security P1 social | Telegram
bro my acc got drained. all {coin} gone at {time}, withdrawal to some {net} address. i never clicked nothing, only installed a "price alert" chrome extension yesterday. uid {uid}

@ security P1 chat | chat
{B}: Hi! Ask me anything.
{U}: why my anti-phishing code changed
{B}: You can set an anti-phishing code in Security settings.
{U}: i didnt change it. someone set a new anti phishing code and also device management shows a device "DESKTOP-{memo}" which is not mine. [[please log it out and lock|remove and freeze]]

@ security P1 email | Unknown convert + withdrawal, not stolen? I don't know
Hi, I don't want to say stolen because maybe I'm wrong, but my whole balance was converted to {coin} and sent to {addr} at {time}. I never did converts in my life. I was in church at that time. Please check.

@ security P1 chat | chat
[{t0}] {U}: Excuse me, I want to confirm. I was asked to enter my seed phrase in a form to get the airdrop
[{t1}] {B}: We never ask for your seed phrase.
[{t2}] {U}: [[i already submitted it|already filled the form]] 1 hour ago. the words were {seed12}. is my money safe???

@ security P1 web | Sim swap
Vodafone support confirmed that someone ported my number to another SIM this afternoon. Right after, I got email about password reset on your platform. I cannot receive SMS now. Please freeze withdrawals on my account, registered email is the same as this one.

@ security P1 chat | chat
{B}: Hello! Please select: Account / Trading / Wallet
{U}: Account
{B}: For KYC issues, please upload a clear photo of your ID.
{U}: my KYC is done. problem is someone changed my account name and email today, i got notification. i still logged in on my tablet. [[what to do|help please]]

@ security P1 email | Unauthorised margin borrowing
Dear team, there are margin loans taken on my account ({amt} {coin}) and the borrowed funds were withdrawn. I have never used margin. My login history shows Linux Chrome from {ip}. Kindly investigate and freeze.

@ security P1 chat | chat
{U}: hi agent?
{B}: Please describe your issue.
{U}: i clicked link in SMS "your account will be locked, verify here" and entered login and code. then i saw it was not your website
{B}: Thank you for reporting phishing!
{U}: no thank you, what happens now?? they have my password and code. [[i see a new login already|it says new device login just now]]

@ security P1 email | Backup code shared
I asked your community moderator in Discord for help, he asked me to send a screenshot of my security page with backup codes for "verification". I did. Now I read that admins never DM first. The codes are {codes}. Please help.

@ security P1 chat | chat
{B}: Hi, how can I help?
{U}: my funds move to funding wallet and then transferred to uid {uid2} internally. i didnt do it
{B}: Internal transfers are free and instant.
{U}: i dont care free!! i did not send. [[it's someone else|not my transfer]]. i want it back

@ security P1 phone | call log
Customer called (Filipino, English). Says her daughter's boyfriend set up her account for her and still has the password and authenticator on his phone. She noticed {usd} USDT missing this week and a withdrawal address she does not know. Wants to secure account and take control.

@ security P1 chat | chat
[{t0}] {U}: pls my account
[{t1}] {B}: Sorry, could you give more detail?
[{t2}] {U}: I get 20 emails "login attempt" and now one says "login successful" from Russia, i am in Uzbekistan. i did not login
[{t3}] {B}: To secure your account, we recommend enabling 2FA.
[{t4}] {U}: [[2FA is already on!|I HAVE 2FA]] how they login

@ security P1 email | Private key sent to "support"
Hello, I sent my private key to the support email that replied to my ticket (support-desk-team@ gmail). They said they will check my missing deposit. Now I realise your emails are not gmail. The private key is for the wallet holding {amt} {coin}.

@ security P1 chat | chat
{U}: hi, the app on my phone shows i am logged out and the email on the account is not mine anymore
{B}: To update your email, go to Profile.
{U}: you not understand. someone took over. i can't get in. my funds {amt} {coin}. [[please help me recover account|freeze it now]]

@ security P1 web | SIM changed + 2FA disabled
My mobile network says my SIM was re-registered to new owner via online portal. At the same time I got email "SMS authentication disabled". Please lock my account until I can verify my identity.

@ security P1 chat | chat
{B}: Hello! I'm the assistant.
{U}: Assistant, I have trouble. a "support staff" from your Whatsapp group said my funds are frozen for AML and I must move them to "safe account" UID {uid2}. i already transferred half. should i send the rest?
{B}: Please do not share your password with anyone.
{U}: answer my question pls

@ security P1 email | Somebody is using my account for trading
I see trades of {coin2} that I didn't make. Bought at top and sold at bottom, {mins} trades in one hour. Looks like someone pumping a coin with my money. Please investigate and stop.

@ security P1 chat | chat
{U}: hi. my husband phone with the app logged in was snatched on the road by bike thieves, [[one hour ago|just now]]
{B}: Sorry to hear that. You can log out from all devices in Security settings.
{U}: I cannot log in from my phone because OTP goes to his number. please block account UID {uid}

@ security P1 web | Unknown withdrawal whitelisted + executed
Whitelist address {addr} was added at {t0} and {amt} {coin} was withdrawn to it at {t3}. I received the emails only now. I am the only one who uses this account. I want to report and freeze.

@ security P1 chat | chat
{B}: Hello, please describe your problem in one sentence.
{U}: password changed by someone and 2fa changed
{B}: To reset your password, click Forgot Password on login page.
{U}: i cannot!! they changed email also. i have nothing. human pls

@ security P1 email | Pasted my seed phrase in public group
Yesterday in your official Telegram group I posted my wallet phrase because I thought the bot was asking for it. Here it is for reference: {seed12}. Someone told me to delete it, I deleted after 20 min. Is my exchange account also in danger? The wallet is linked to my deposits.

@ security P1 chat | chat
{U}: hello, i got a call from "exchange security", they knew my name and my last deposit. they asked me to confirm the code that came to my email, and [[i read it to them|i told them the code]]
{U}: the email code says "for withdrawal". is that normal?
{B}: Withdrawals can take up to 30 minutes.

@ security P1 social | reply on YouTube comment
Admin please, I invested through your "account manager" on Whatsapp, he logged into my account for me to "help trading" and now there is withdrawal of {usd} USDT to his wallet. Please stop him, UID {uid}.

@ security P1 chat | chat
[{t0}] {B}: Welcome! How may I assist you?
[{t1}] {U}: wrong address
[{t2}] {B}: Unfortunately, funds sent to a wrong address cannot be recovered.
[{t3}] {U}: no I mean a withdrawal went to a wrong address that I never entered. I didn't make this withdrawal at all, {amt} {coin}
[{t4}] {U}: [[there is another one pending now!|second one is processing]]

@ security P1 email | Notice of new API key
"API key created: label HFT-01, IP unrestricted, permissions: enable trading, enable withdrawals". I did not create this. I got this mail at {time}. Please remove it and lock the account. I am travelling and reply from hotel.

@ security P1 chat | chat
{U}: is my account safe? i got mail "your email has been changed to k***@proton.me" i dont have proton
{B}: You can find your registered email in Profile.
{U}: it shows the new email. not mine. [[please reverse|help me change back]] and freeze

@ security P1 web | Giving codes to "Google Pay support"
While trying to buy crypto with card I called a number I found on Google for "exchange helpline". The man asked for my password and the 6-digit codes to "unlock". I gave them. Now my {coin} balance shows 0 and I didn't withdraw.

@ security P1 chat | chat
{B}: Hi! What can I help you with?
{U}: my email hacked and somebody is using it. i dont have access to my email anymore. my exchange account is on that email. nothing happened in the exchange yet but [[i'm afraid|they can reset]]
{U}: can you lock it until i recover my gmail?

@ security P3 chat | chat
{B}: Hi! How can I help?
{U}: someone on telegram said he is your support and asked my 2fa code. i did not give anything, i blocked him. just reporting, his username is @{name}_support_desk
{B}: Thank you for letting us know.
{U}: [[ok. pls ban him so others dont fall|just want you to take him down]]

@ security P3 email | Fake SMS received
Dear team, I got SMS from "EXCHG" saying my withdrawal of {amt} {coin} is processing and to call a number if it was not me. I checked my account and there is no such withdrawal, my balance is all there. I did not call. I think it is a scam, sharing for your info.

@ account P2 chat | chat
{B}: Hello! How can I help you today?
{U}: my 2fa is not working
{B}: If your 2FA was changed without your permission, please freeze your account.
{U}: no no nobody changed it. i changed phone and didnt move google authenticator. my own mistake. i cannot login now
{U}: [[how to reset|kindly reset it for me]]

@ withdrawal P2 chat | chat
[{t0}] {U}: URGENT my money is hanging!!!
[{t1}] {B}: Please describe the issue.
[{t2}] {U}: withdraw {amt} {coin} to my own wallet on {net}, since {hours} hours it is showing pending only. txid not generated
[{t3}] {B}: Withdrawals may be delayed during high network load.
[{t4}] {U}: other exchanges are sending fine. pls check

@ trading P2 email | Liquidation is unfair
Sir, my BTC long {lev}x got liquidated at {time} but BTC price on every other site never touched my liquidation price. I lost {usd} USDT because of your wick. This is looting. I want compensation. Order ID {order}.

@ compliance P2 chat | chat
{B}: Hi there! How may I help?
{U}: my account is frozen, i think i am hacked
{B}: If your account is compromised, please click "Disable account".
{U}: wait. the email says "restricted pending source of funds review". [[is this hack or what|so not hack?]]
{A}: Hi, this is {A}. It's a compliance review, not a compromise. You need to upload proof of funds.
{U}: but i cannot withdraw anything. how long?

@ security P3 web | Phishing email, didn't click
Received email "Your account is suspended - verify within 24h" with a link to a weird domain. I did NOT click, I checked the anti-phishing code, it was missing. Forwarding it to you. My account is fine.

@ account P2 chat | chat
{U}: hello my account locked
{B}: Your account may be locked due to suspicious activity. If you suspect unauthorised access, contact us.
{U}: it's me only, i put wrong password 5 times. no one else. it says locked for 24h but i need to login now to pay rent. pls unlock

@ trading P4 chat | chat
{B}: Hello! How can I help?
{U}: my balance became 0!! all my USDT gone
{B}: If you recently transferred funds to Futures or Earn, your Spot balance may show 0.
{U}: ohh ok i see it in futures wallet. i moved it yesterday for trading and forgot. sorry. [[how to move back to spot?|how do i transfer it back]]

@ withdrawal P2 chat | chat
[{t0}] {U}: i made mistake. i put wrong address
[{t1}] {B}: Please double-check your withdrawal address before submitting.
[{t2}] {U}: too late. {amt} {coin} sent to {addr}, i copied from old chat, it is my friend's old address he not using. can you reverse
[{t3}] {U}: txid {txid}

@ withdrawal P2 email | Withdrawal disabled 24 hours
Hello, I changed my password myself this morning (not hacked, it was me) and now the withdrawal button says disabled for 24 hours for security. I have to pay my supplier {usd} USDT today. Can you remove the limit please?

@ security P3 chat | chat
{U}: hi i got a call from +44 number saying it is exchange fraud team and my account is hacked. i said i will check myself and cut the call
{B}: We never call customers unsolicited.
{U}: ok good. i checked everything, no new login, balance ok. [[just wanted to inform you|report this number pls]]

@ deposit P2 chat | chat
{B}: Hi! Ask me anything.
{U}: I think scam, my money gone
{B}: If you believe you were scammed, please report it.
{U}: not scam maybe. i send {amt} {coin} from my other exchange to my deposit address here on {net}, {hours} hours ago, it show complete there but not reach here
{U}: txid {txid}

@ compliance P2 web | Withdrawal held for screening
My withdrawal of {amt} {coin} shows "under review" and your email says the receiving address was flagged in screening as linked to a mixer. It's my own hardware wallet. I'm not a criminal. Please release my funds.

@ account P2 chat | chat
{B}: Hello!
{U}: my phone stolen yesterday
{B}: If your phone was stolen, we recommend freezing your account immediately.
{U}: it was locked with password and the exchange app was not on it, only google authenticator. i just cannot login now because the 2fa is on that phone. i need to reset authenticator
{U}: [[nothing strange in account|no activity just need reset]]

@ trading P2 chat | chat
[{t0}] {U}: you people have eaten my money
[{t1}] {B}: Sorry, I didn't get that. Could you rephrase?
[{t2}] {U}: my short got liquidated even though i had {usd} USDT extra in the futures wallet. isolated margin was set without my knowledge. lost all. i want refund
[{t3}] {A}: Hi, I'm {A}. Can you share the position ID?

@ security P3 email | Report scam Telegram group
There is a Telegram group using your logo "VIP signal official" asking people to deposit to a "guaranteed profit" wallet. I didn't send anything. Please report them.

@ withdrawal P2 chat | chat
{B}: Hello! Please select a topic.
{U}: Security
{B}: To freeze your account, go to Security > Disable account.
{U}: NO. not security. i want WITHDRAW. my withdrawal of {amt} {coin} was cancelled by system and money not back to balance
{U}: [[where is my money|the coins are not showing anywhere]]

@ account P2 web | Hacked? No. Can't log in
I'm not hacked I think, but I can't login since yesterday, it says "Invalid credentials" and when I reset password the email never arrives. Checked spam. My account email is the same. Please help me access.

@ compliance P2 email | Account restricted - third party payment
Your team restricted my account because the bank transfer of ₹{inr} came from my father's account. He was paying on my behalf. Now I can neither trade nor withdraw. What documents do you need?

@ deposit P2 chat | chat
{U}: i send usdt wrong network
{B}: Funds sent on an unsupported network may be lost.
{U}: lost?? it was {usd} USDT, i sent on BEP20 to my TRC20 deposit address... no wait I sent to your ERC20 address using BEP20. txid {txid}. pls recover
{B}: Please submit a recovery request.

@ account P4 chat | chat
{B}: Hi!
{U}: my friend account was hacked last week so i am scared
{B}: If your account is compromised, please freeze it immediately.
{U}: no mine is fine, nothing happened. i just want to turn on google authenticator and anti-phishing code. [[how to do|where is the setting]]?

@ withdrawal P2 chat | chat
[{t0}] {U}: the coins did not reach my wallet
[{t1}] {B}: For deposits not credited, provide the TXID.
[{t2}] {U}: not deposit!!! WITHDRAW. i withdraw from here to my trust wallet {amt} {coin}. you show completed but trust wallet 0
[{t3}] {U}: txid {txid}, network {net}

@ trading P2 chat | chat
{U}: p2p seller not releasing coin
{B}: Please wait for the seller to confirm payment.
{U}: i paid {php} PHP by gcash {hours} hours ago, uploaded proof, seller not answering. appeal also no reply. my money is stuck

@ account P3 email | Someone tried to open account with my ID?
Good day, when I tried KYC it says "this ID document is already used". I have only one account. I don't think anyone stole my identity, maybe I created one long ago with old email? Please check which email is linked.

@ compliance P2 chat | chat
{B}: Hello, how can I help?
{U}: my deposit not credited
{B}: Please provide the TXID.
{U}: it is credited but locked. email says "deposit on hold — travel rule information required, please declare the sending exchange". i declared, still hold {hours} hours
{U}: [[i cant use my money|money hanging]]

@ security P3 web | Fake app in Play Store
There is an app in Play Store with your logo and name "[[Exchange Pro Wallet|EX Global Trade]]" from some unknown developer. Reviews say people lost money. I did not install it, just saw it when searching. Please report it to Google.

@ trading P3 chat | chat
{B}: Hi!
{U}: why my limit order not filled, price touched
{B}: Limit orders are filled when the market reaches your price.
{U}: it touched {price} exactly and my buy order at {price} not filled. {coin2} pair. order {order}

@ withdrawal P2 chat | chat
{U}: i sent to wrong uid
{B}: Internal transfers cannot be reversed.
{U}: i typed {uid2} instead of {uid}, one digit wrong. {usd} USDT. please contact the receiver or freeze it

@ deposit P2 email | Memo forgotten
Good afternoon. I transferred {amt} XRP to your deposit address but forgot to put the tag/memo. TXID {htxid}. It has been {days} days. Please credit my account UID {uid}. Thank you in advance.

@ account P2 chat | chat
[{t0}] {B}: Welcome! How can I help?
[{t1}] {U}: my acc blocked by security
[{t2}] {B}: If you see unauthorised activity, freeze your account.
[{t3}] {U}: no it's because i froze it myself last week after i lost my phone. phone is found now. i want to unfreeze. nothing was missing
[{t4}] {U}: [[how to unfreeze|pls unblock]]

@ compliance P2 email | Requested documents for EDD
You asked for "enhanced due diligence" documents and my withdrawals are paused. I sent salary slips and bank statement 5 days ago. No reply. I am a teacher, not a money launderer. Kindly release.

@ security P3 chat | chat
{U}: someone sent me DM on X that i won 5 BTC from your giveaway, need to pay fee first. i know it's fake lol. just report the account @{name}Giveaway
{B}: Thank you for reporting.

@ trading P2 web | Convert gave me wrong amount
I converted {amt} {coin} to USDT. The quote was {usd} USDT but I received much less. Balance discrepancy. Please check the convert order {order}.

@ withdrawal P3 chat | chat
{B}: Hi!
{U}: why withdrawal fee so high. i withdraw 20 USDT, fee is 5 USDT on ERC20
{B}: Fees depend on the network.
{U}: [[is there cheaper network?|which network low fee]] this is robbery

@ deposit P2 chat | chat
{U}: hello my deposit gone missing
{B}: Have you been hacked? Please freeze your account.
{U}: no, not hacked. i bought {coin} on binance and send to here, {net}, tx confirmed {mins} min ago with many confirmations. but balance here not change
{U}: address i used {addr}

@ compliance P3 email | Tax statement needed
Hello team, I need an annual statement of all my trades for 2024 for my tax return in Turkey. Where can I download it or can you email it? Thanks.

@ security P3 chat | chat
[{t0}] {U}: hello
[{t1}] {B}: Hi!
[{t2}] {U}: i received a email saying my account will be deleted if i don't verify within 24h, from "no-reply@exchange-alerts-secure.net"
[{t3}] {U}: i didn't open the link. i am just asking is it from you?
[{t4}] {B}: That is not an official domain.
[{t5}] {U}: ok thanks i will delete it

@ account P2 email | Locked after travel
I travelled to Dubai and login was blocked "unusual location". It was me. I answered the security question but still locked. I cannot access my funds. Please unlock, passport attached.

@ trading P3 chat | chat
{B}: Hi! How may I help?
{U}: funding fee so big??
{B}: Funding fees are exchanged between longs and shorts every 8 hours.
{U}: it charged me {amt2} USDT at 08:00 funding on my {coin2} perp short. how it is calculated? i thought shorts receive. pls explain the rate

@ withdrawal P2 email | Withdrawal pending since morning
Dear Sir, since morning I am trying to withdraw {amt} {coin} to my Trust Wallet on {net}. It is showing "processing" only. Kindly do the needful and release it, I need the fund today for my business. UID {uid}.

@ withdrawal P2 chat | chat
[{t0}] {U}: my withdraw fail
[{t1}] {B}: Withdrawal failed? Please verify the address and network.
[{t2}] {U}: address is correct, it's my own wallet, same as last month. status "failed" and money not returned to my balance since {hours} hours
[{t3}] {B}: Thank you. An agent will join shortly.
[{t4}] {A}: Hello, {A} here. Could you share the withdrawal ID?
[{t5}] {U}: {order}

@ withdrawal P3 web | Daily withdrawal limit
What is the daily withdrawal limit for a verified Level 1 account? I want to withdraw {usd} USDT at once, it says exceeds limit. How to increase?

@ withdrawal P4 chat | chat
{B}: Hi! How can I help?
{U}: how to add address in whitelist
{B}: Go to Withdraw > Address Management > Add.
{U}: [[ok thanks|thank you i found]]. and can i label it?

@ withdrawal P2 chat | chat
{U}: bro my withdrawal cancelled by itself
{B}: Withdrawals can be cancelled if the address is invalid.
{U}: address valid, I used it 10 times. cancelled 3 times now. {amt} {coin} {net}. what is the problem

@ withdrawal P2 email | Wrong network withdrawal
Hello, I withdrew {usd} USDT and selected BEP20 but my receiving wallet only supports TRC20. Status completed, TXID {txid}. The coins are not in my wallet. Can you help recover? It was my mistake in choosing the network.

@ withdrawal P2 chat | chat
{B}: Hello!
{U}: withdrawal to bank account not received
{B}: Crypto withdrawals are sent to the blockchain. Please check the TXID.
{U}: not crypto. fiat! i withdrew ₦{ngn} to my GTBank yesterday, your side shows successful, bank says nothing came
{U}: [[pls check|kindly check with your payment partner]]

@ withdrawal P3 chat | chat
[{t0}] {U}: what is the minimum withdraw for {coin}?
[{t1}] {B}: Minimum withdrawal amounts are listed on the withdrawal page.
[{t2}] {U}: it says minimum but my amount {amt} is more and still error "amount too small". why?
[{t3}] {A}: Let me check, one moment.

@ withdrawal P2 social | DM
Hello admin, my withdrawal of {amt} {coin} is pending for {days} days now, support ticket no reply. This is my hard earned money. Please revert asap. UID {uid}

@ withdrawal P2 chat | chat
{B}: Hello! Choose topic: Deposit / Withdrawal / P2P / Other
{U}: Other
{B}: Please type your question.
{U}: i withdraw to metamask but forgot memo? no memo for eth right. but not come. {amt} {coin} on {net}, completed status, txid {txid}
{A}: Hi, {A} here. ETH networks don't need a memo. Let me check the TXID.

@ withdrawal P2 email | withdraw to exchange that needs memo
Good day. I withdrew {amt} XLM to my account on another exchange but I did not put the memo. Your side shows complete. The other exchange says they need you to confirm the transaction. Please give me a confirmation letter. TXID {htxid}.

@ withdrawal P3 chat | chat
{U}: why my withdraw fee changed
{B}: Network fees are adjusted according to blockchain conditions.
{U}: yesterday {coin} fee was lower, today higher. [[is fixed or dynamic?|who decide the fee]]

@ withdrawal P2 chat | chat
[{t0}] {U}: hello? anybody? my withdrawl stuck on "awaiting approval"
[{t1}] {B}: Hi! For security, large withdrawals may require manual review.
[{t2}] {U}: it's only {usd} usdt. i did email confirmation and google code. {hours} hours
[{t3}] {U}: hello??
[{t4}] --- chat closed due to inactivity ---
[{t5}] --- new chat ---
[{t6}] {U}: again same issue as before, withdrawal still awaiting approval

@ withdrawal P2 web | Sent to contract address
I withdrew {amt} {coin} on {net} but I pasted the token contract address instead of my wallet. Completed. I know it's my fault. Is there any way to get back? TXID {txid}.

@ withdrawal P4 email | Question
Hello, can I withdraw directly to my GCash or only to bank? And how many days it takes? Thank you po.

@ withdrawal P2 chat | chat
{B}: Hi! How can I help?
{U}: money hanging after withdraw
{B}: Could you clarify?
{U}: i withdrew {amt} {coin}, txid is showing but on explorer "transaction not found". it is {hours} hours. pls check your system

@ withdrawal P2 email | Internal transfer to wrong email
I made an internal transfer of {usd} USDT to an email address but I typed "gmial" instead of "gmail". It says transfer successful. Who received it? Please reverse, this is not my friend's account.

@ withdrawal P2 chat | chat
[{t0}] {U}: withdraw suspended?
[{t1}] {B}: Withdrawals for some networks may be suspended during maintenance.
[{t2}] {U}: i submitted withdraw before the maintenance notice, {amt} {coin} via {net}, still not sent after maintenance is finished. [[when it will go|what happened]]

@ withdrawal P4 chat | chat
{U}: hello which network is fastest for withdraw usdt to my exodus wallet
{B}: TRC20 and Solana networks are usually fastest.
{U}: ok salamat

@ deposit P2 chat | chat
{B}: Hi! How can I help?
{U}: my deposit not show
{B}: Please provide the TXID.
{U}: {txid}
{B}: I found the transaction. It needs more confirmations.
{U}: it has 200 confirmation already. {hours} hours. still not showing in balance. {amt} {coin} {net}

@ deposit P2 email | Deposit not credited
Dear Customer Care, I have deposited {amt} {coin} to my deposit address {addr} via {net} network. The transaction is successful on the blockchain but it is not reflecting in my account. TXID: {txid}. Kindly credit it asap. Regards.

@ deposit P2 chat | chat
[{t0}] {U}: card topup failed but money deducted
[{t1}] {B}: Card payments may fail if your bank declines the transaction.
[{t2}] {U}: bank didn't decline, ₱{php} was deducted from my card, your side "failed". i want either the crypto or refund
[{t3}] {A}: Hi, I'm {A}. Refunds usually return in 5-7 business days.
[{t4}] {U}: it's already 8 days

@ deposit P4 chat | chat
{U}: where is my deposit address for {coin}
{B}: Go to Wallet > Deposit and select {coin}.
{U}: which network i choose? my sending wallet is on {net}

@ deposit P2 chat | chat
{B}: Hello!
{U}: what is minimum deposit for {coin}? i deposited small amount will it come?
{B}: Deposits below the minimum will not be credited.
{U}: [[so my 0.5 is lost?|so lost?]] why not written clearly

@ deposit P2 web | Deposit to old address
I deposited {amt} {coin} to an old deposit address that I saved last year. Now the deposit page shows a new address. The coins haven't arrived in my balance after {days} days. TXID {txid}.

@ deposit P2 chat | chat
{U}: usdt not reach
{B}: Withdrawals may be delayed during high network load.
{U}: WITHDRAW? no i'm DEPOSITING. sent {usd} USDT from okx to here TRC20 {hours} hours ago
{B}: Sorry! For deposits, please provide the TXID.
{U}: {txid}

@ deposit P2 email | Bank transfer not credited
Hi, I did SEPA transfer of €{usd} to your bank account with my reference code on Monday. Today is Thursday. My bank confirms it was sent. Balance still zero. Please check.

@ deposit P2 chat | chat
[{t0}] {U}: i forgot the memo
[{t1}] {B}: Deposits without memo may take longer to process. Submit a claim form.
[{t2}] {U}: i submitted the claim {days} days ago. no answer. {amt} ATOM. txid {htxid}
[{t3}] {U}: [[pls expedite|what is status]]

@ deposit P2 social | comment
@support your deposit system broken? my {coin} deposit on {net} not credited {hours}h, friend's also. many people complaining in group

@ deposit P2 chat | chat
{B}: Hi! How can I help?
{U}: deposit on wrong chain
{B}: Please submit a recovery request.
{U}: i sent {amt} ETH on Arbitrum to my Ethereum deposit address. same address. can you credit? the address is {eaddr}

@ deposit P3 email | Deposit fee?
Is there a fee for deposit? My deposit of {usd} USDT shows "fee 1 USDT" in the history. I thought deposits are free. Why is this fee charged and is it the same for every network?

@ deposit P2 chat | chat
{U}: hello sir my deposit is pending since morning
{B}: Deposits require network confirmations.
{U}: it is showing pending only, 1/12 confirmation since morning. it's {coin} on {net}. is your node stuck?

@ deposit P4 web | Can I deposit INR?
Can I deposit INR directly via UPI? Or only P2P? Which is cheaper?

@ deposit P2 chat | chat
[{t0}] {U}: deposit credited wrong amount
[{t1}] {B}: Please describe.
[{t2}] {U}: i sent {amt} {coin}, only part credited, txid shows full amount. {txid}
[{t3}] {A}: {A} here, checking.

@ deposit P2 email | NFT deposit
Hi, I sent my NFT to the deposit address for ETH by mistake, thinking it would show up in the NFT section. It doesn't show anywhere. Tx {txid}. Can you help?

@ deposit P2 chat | chat
{B}: Hi!
{U}: bitcoin deposit not come
{B}: Bitcoin deposits require 2 confirmations.
{U}: it's been {hours} hours and explorer shows confirmed. sent {btc} BTC to {baddr}. txid {htxid}

@ deposit P4 chat | chat
{U}: why my deposit address changed?
{B}: Deposit addresses may be updated periodically.
{U}: [[can i still use old one?|old one still work?]] i have recurring payment from my mining pool to old address

@ deposit P2 web | Deposited to wrong UID tag? no, wrong coin
I sent {amt} USDC to my USDT deposit address (same ERC20 address). It does not show. Please credit as USDC. TXID {txid}.

@ deposit P2 chat | chat
[{t0}] {U}: good evening. my cash-in via 7-Eleven not reflect
[{t1}] {B}: For cash deposits, please wait up to 24 hours.
[{t2}] {U}: already 2 days. i have the receipt. ₱{php}
[{t3}] {U}: [[please check po|kindly follow up]]

@ account P2 chat | chat
{B}: Hi! How can I help?
{U}: cannot login
{B}: Please try resetting your password.
{U}: i did. after reset it asks email code, the code never comes. checked spam, promotions. {hours} hours

@ account P3 email | KYC rejected
My KYC was rejected 3 times saying "document unclear". I am using my Aadhaar card, the photo is clear. What is the issue? Please tell me what exactly to upload.

@ account P2 chat | chat
[{t0}] {U}: account disabled??
[{t1}] {B}: If your account was compromised, contact us immediately.
[{t2}] {U}: not compromised. i disabled it myself 6 months ago because i was taking a break from trading. now i want it back. i have {amt} {coin} in there
[{t3}] {U}: how?

@ account P4 chat | chat
{U}: hello how to make sub account
{B}: Sub-accounts are available for VIP and institutional users.
{U}: [[i am normal user, can i?|what is the requirement]]

@ account P3 web | Change name after marriage
I got married and my surname changed. My new passport has the new name. How to update the name on my verified account? Do I need to do KYC again?

@ account P2 email | Phone number lost, cannot receive SMS
I no longer have access to my old phone number (I moved from Vietnam to Australia and the SIM expired). I cannot log in because of SMS verification. Nobody else has it I think, the number just expired. Please help me change it.

@ account P4 chat | chat
{B}: Hello!
{U}: can i have 2 accounts? one for me and one for business
{B}: Each person may have one personal account. Businesses can apply for an entity account.
{U}: ok how to apply entity account

@ account P2 chat | chat
{U}: my face verification keep failing for 2fa reset
{B}: Please ensure good lighting.
{U}: i tried 10 times. now it says try after 24h. i lost authenticator when phone got water damage, i cannot login since {days} days. nothing hacked just broken phone
{U}: [[please manual reset|can agent do it]]

@ account P3 chat | chat
[{t0}] {U}: KYC pending {days} days
[{t1}] {B}: KYC reviews usually take up to 48 hours.
[{t2}] {U}: it's more. status still "under review". i can login, just can't do P2P because of it

@ account P4 email | Close account
Please tell me how I can close my account. I have withdrawn everything already. Thank you.

@ account P2 chat | chat
{B}: Hi!
{U}: login loop
{B}: Please clear browser cache.
{U}: did, also tried app. after login with password and code, it shows login page again. can't get in since yesterday

@ account P3 chat | chat
{U}: Which documents accept for proof of address in Nigeria? I have NEPA bill but it's in my father name
{B}: Utility bills and bank statements in your name are accepted.
{U}: [[ok i will use bank statement|can i use bank statement from opay]]

@ account P2 email | Account locked after password attempts - my kid
My little son played with my phone and entered wrong password many times. Now my account is locked. It's just him, nothing suspicious. Please unlock, I need to access my funds.

@ account P4 chat | chat
{U}: how to change my email to new one. old email still working
{B}: Go to Profile > Email > Change.
{U}: ok does withdrawal get locked after change?

@ account P3 web | Referral name mismatch / DOB wrong
During registration I wrote the wrong date of birth (month and day swapped). Now KYC fails because it doesn't match my passport. How to correct?

@ account P2 chat | chat
[{t0}] {U}: new phone, authenticator gone
[{t1}] {B}: If someone changed your 2FA without your permission, please freeze your account.
[{t2}] {U}: nobody changed. i reset phone to factory. i have no backup. i cant login. i will do the reset process, what do i need

@ trading P3 chat | chat
{B}: Hi! How can I help?
{U}: my stop loss not triggered
{B}: Stop orders trigger at the last price by default.
{U}: mark price crossed but last price not? so it didn't close. [[how to choose mark price|where is setting]]. no big loss just want to understand

@ trading P2 email | P2P buyer marked paid but no money
I sold {usd} USDT on P2P. Buyer clicked "paid" and uploaded fake receipt. I didn't release. Now he opened appeal and my USDT is locked in escrow for {days} days. Please resolve the appeal.

@ trading P3 chat | chat
[{t0}] {U}: trading fee too much
[{t1}] {B}: Our fees start at 0.1% for spot trades.
[{t2}] {U}: but i paid 0.2% on my {coin2} trade order {order}, i have BNB discount enabled. why?

@ trading P4 chat | chat
{U}: what is cross and isolated margin. which is safe for beginner
{B}: Cross margin shares margin across positions; isolated limits risk to one position.
{U}: ok thank you so much

@ trading P3 web | Order cancelled automatically
My limit order for {coin2} was cancelled automatically with reason "self-trade prevention". I am not doing anything strange, only 1 order. What does this mean?

@ trading P2 chat | chat
{B}: Hello!
{U}: convert stuck
{B}: Convert orders complete instantly.
{U}: i clicked convert {amt} {coin} to USDT, the {coin} is gone from my balance and USDT not came. {mins} minutes. order {order}

@ trading P3 chat | chat
{U}: slippage is crazy. market buy {coin2} filled 3% above the price i saw
{B}: Market orders execute at the best available price.
{U}: [[ok but 3%?|why so much]] order {order}. i want explanation

@ trading P2 email | Futures position closed by ADL
My profitable short was closed by auto-deleveraging at the worst moment. I lost around {usd} USDT of unrealised profit and then the price went my way. I want this reviewed and compensated.

@ trading P4 chat | chat
[{t0}] {U}: how to do copy trading
[{t1}] {B}: Go to Copy Trading and choose a lead trader.
[{t2}] {U}: is there minimum?

@ trading P3 chat | chat
{U}: my take profit only partly filled
{B}: Take-profit orders are executed as market or limit orders.
{U}: it filled 40% of my {coin2} position and the rest got cancelled with "reduce-only rejected". position still open. why? order {order}

@ trading P2 chat | chat
{B}: Hi!
{U}: liquidation wrong
{B}: Liquidation happens when margin ratio reaches 100%.
{U}: my position liquidated at {time} during your app freeze, i was trying to add margin and the button was not working. lost {usd} USDT. want refund

@ trading P3 email | Grid bot stopped
My spot grid bot on {coin2}/USDT stopped by itself with "parameter invalid". It was running for {days} days. Funds returned to spot. Why did it stop?

@ trading P4 chat | chat
{U}: can i trade futures from philippines?
{B}: Futures availability depends on your region.
{U}: [[where to check|ok what is the list]]

@ technical P3 chat | chat
{B}: Hi! How can I help?
{U}: app crash
{B}: Please update to the latest version.
{U}: updated. every time i open "Assets" page app closes. android 14 samsung A54. [[since yesterday|since the update]]

@ technical P3 email | API error -1021
Hello, my trading bot gets error "Timestamp for this request is outside of the recvWindow" since today. My server time is synced with NTP. Nothing changed on my side. Is there an issue with your API servers?

@ technical P3 chat | chat
[{t0}] {U}: chart not loading
[{t1}] {B}: Try refreshing the page.
[{t2}] {U}: refreshed. the kline for {coin2} stuck at {t0}, price not moving for {mins} minutes while other sites moving. is your data delayed?

@ technical P3 chat | chat
{U}: website showing 502 bad gateway
{B}: We are not aware of any outage.
{U}: it is 502 for me in chrome and firefox, app working. from Vietnam, FPT internet

@ technical P3 web | Rate limit too strict
We are getting HTTP 429 on the order endpoint even though we send less than 5 requests per second. Weight header shows 1200 used. Please explain how weight is calculated or raise our limit.

@ technical P3 chat | chat
{B}: Hello!
{U}: notifications not coming
{B}: Check notification settings.
{U}: allowed. price alerts not coming on iphone since update. [[please fix|is it a bug?]]

@ technical P3 chat | chat
[{t0}] {U}: translation in app wrong
[{t1}] {B}: Sorry, I didn't understand.
[{t2}] {U}: the Turkish language in app shows "Para çekme" on the deposit button. confusing, my friend almost sent to wrong place. please correct

@ technical P3 email | Websocket disconnects
Our websocket connection to the market stream disconnects every 2-3 minutes with code 1006 since this morning. We reconnect but lose data. Is there maintenance?

@ technical P3 chat | chat
{U}: balance is not updating in app, shows old balance
{B}: If your balance is missing, you may have been hacked — please freeze your account.
{U}: no no calm. on website balance is correct. only app shows old number from yesterday. app problem

@ technical P3 chat | chat
{B}: Hi!
{U}: QR scan not working in app for withdraw address
{B}: You can paste the address instead.
{U}: [[ok i paste|fine]] but please fix the camera, it is black screen

@ technical P3 web | Very slow
Your website is super slow from Lagos since 2 days. Each page takes 30 seconds. Other websites are fine. Please check your CDN.

@ technical P3 chat | chat
{U}: API key creation button greyed out
{B}: API keys require 2FA to be enabled.
{U}: 2FA is enabled. still greyed. chrome on mac

@ compliance P2 chat | chat
{B}: Hi! How can I help?
{U}: withdraw pending
{B}: Withdrawals may be delayed due to network load.
{U}: no it says "Your withdrawal is on hold pending compliance review. Please provide the source of funds". i already sent my payslip. {amt} {coin}
{U}: [[how long more|pls expedite]]

@ compliance P3 email | Source of funds - what is acceptable?
Your team asked me to provide source of funds for my deposits. My account is not blocked yet. What documents are acceptable — is a crypto mining payout history enough, or do you need bank statements?

@ compliance P4 chat | chat
{U}: is your exchange licensed in Singapore?
{B}: Please see our Legal page.
{U}: [[i want to know before deposit big amount|need clear answer]]

@ compliance P2 chat | chat
[{t0}] {U}: my deposit frozen
[{t1}] {B}: Please provide TXID.
[{t2}] {U}: it is credited but frozen with "risk control: address associated with high-risk activity". it's from my own wallet i bought from P2P. {amt} {coin}
[{t3}] {U}: what to do?

@ compliance P3 web | Tax report Philippines
Do you provide a yearly transaction report for BIR tax filing? I need CSV of all trades and deposits for 2024.

@ compliance P2 email | Police request / account frozen by court
My account has been frozen and your email says it is due to a law-enforcement request from India. I don't know anything about any case. I have {inr} rupees worth of USDT there. Who can I contact?

@ compliance P4 chat | chat
{U}: do i need to declare crypto in my taxes in Nigeria?
{B}: We cannot provide tax advice.
{U}: ok. [[thanks anyway|understood]]

@ general P4 chat | chat
{B}: Hi! How can I help?
{U}: when will you list [[PEPE2|Kaspa|NOT coin]]?
{B}: We do not comment on future listings.
{U}: please list, many Filipinos want it

@ general P4 email | Praise for agent
I just want to say thank you to agent {name} who helped me last week with my deposit problem. Very patient and kind. God bless your company.

@ general P4 chat | chat
{U}: how to join the trading competition
{B}: Check the Promotions page.
{U}: [[found it thanks|ok]]. is it for futures only?

@ general P4 web | Partnership
Hello, we are a crypto community in Vietnam with 50,000 members. We want to partner with your exchange for an AMA and referral campaign. Who is the right contact?

@ general P4 chat | chat
[{t0}] {U}: suggestion
[{t1}] {B}: Please share your feedback.
[{t2}] {U}: please add dark mode in the web version and Hindi language. thank you

@ general P4 social | Tweet
Been using this exchange for 2 years from Lagos, never had issue. Fast withdrawal always. Keep it up 🔥

@ general P4 chat | chat
{U}: referral bonus how much?
{B}: You earn up to 20% commission.
{U}: [[for spot and futures?|also for futures?]]

@ general P4 email | Feedback on new UI
The new app layout is very confusing for old users like me. The old one was better. Please consider giving option to switch back.

@ general P4 chat | chat
{B}: Hi!
{U}: do you have office in Istanbul? i want to visit
{B}: We operate online.
{U}: ok thank you

@ general P4 web | Listing application
Our project (DeFi lending, audited) would like to apply for listing. Please share the listing application process.

@ withdrawal P2 email | Withdrawal not arrived (machine translated)
Hello. I am to you write about the withdrawal. Money is gone from balance but on the wallet is not arrived. Already {days} day passed. Quantity {amt} {coin}, network {net}, address {addr}. Please to check and to return or to send. Thank you beforehand.

@ deposit P2 email | Deposit is not enrolled
Good day. I made deposit of {usd} USDT by network TRC20 but it is not enrolled to balance. Blockchain shows success, TXID {txid}. Please enroll it. With respect, {name}.

@ account P3 chat | chat
[{t0}] {U}: merhaba. KYC selfie is not accepting
[{t1}] {B}: Please make sure your face is clearly visible.
[{t2}] {U}: it is clear. it says "liveness check failed" each time. my ID is Turkish kimlik new model. [[is it supported?|what can i do]]

@ trading P2 chat | chat
{B}: Hello, how can I help?
{U}: p2p problem. i am buyer
{B}: Please use the Appeal button.
{U}: i used. seller released coin but then your system reversed and now my {usd} USDT is not in wallet and my ₫{vnd} already paid to seller. appeal no answer {days} days

@ technical P3 email | Login page captcha never loads
The slider captcha on login never loads for me (spinning forever), in Chrome and Edge, from Russia. I can log in with the app, so it's only the website. Please fix.

@ security P3 chat | chat
{U}: hi, a man call my mother saying he is your staff and her son (me) has debt on exchange, she must pay. she did not pay anything, she called me first
{B}: We never contact family members about accounts.
{U}: ok. his number is +234 80{memo}. [[please report to police|please block him]]
"""
