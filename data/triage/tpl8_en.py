# -*- coding: utf-8 -*-
"""Round-9 independent triage situations, English: e-mails, intake forms, agent phone notes.

Hand-written by helper W1 (round 9) from ../shared/data/TRIAGE.md only; labels follow its
definitions and hard-case rules (a ticket with several issues takes the most urgent one:
fund safety first). Rendered by gen8.py; {name} fields are filled with fresh values.
"""
LANG = "en"

T = []


def E(subject, body, cat, prio):
    T.append(("email", subject, body, cat, prio))


def W(subject, body, cat, prio):
    T.append(("web", subject, body, cat, prio))


def P(subject, body, cat, prio):
    T.append(("phone", subject, body, cat, prio))


GREET = ["Hello,", "Hi there,", "Dear Support Team,", "To whom it may concern,", "Good morning,",
         "Hi,", "Dear Sir or Madam,", "Hey team,", "Hello support,"]
GREET_SKIP = ["Hello", "Hi", "Dear", "To whom", "Good", "Hey", "Greetings", "Sir", "Team"]
SIGN = ["Thanks,\nMark", "Kind regards,\nEleanor Whitfield", "Best,\nJ.", "Regards,\nDavid Okafor\nUID {uid}",
        "Sent from my iPhone", "Cheers,\nTom\n\nSent from my Galaxy", "Thank you in advance,\nMargaret (age 71)",
        "Many thanks,\nPriya Raman\nFinance Manager | Northbridge Trading Ltd.",
        "--\nAlex\nGet Outlook for Android", "Yours faithfully,\nR. Halvorsen"]
DISCLAIM = ["This email and any files transmitted with it are confidential and intended solely for the use of the individual or entity to whom they are addressed. If you have received this email in error please notify the sender.",
            "DISCLAIMER: Nothing in this message constitutes investment advice. Please consider the environment before printing this e-mail.",
            "This message may contain privileged attorney-client communications. If you are not the intended recipient, do not read, copy or distribute it."]
QUOTE = ["On {date_en} at {time}, Support <support@exchange.example> wrote:\n> Thank you for contacting us. Could you please share your UID so we can look into this?\n> Ticket #{ticket}",
         "-----Original Message-----\nFrom: Customer Support\nSent: {date_en} {time}\nSubject: RE: Case #{ticket}\n\nWe have escalated your case to the relevant team. Thank you for your patience.",
         "> On {date_en}, Support Team wrote:\n> Hi, we are sorry for the inconvenience. Our team is checking.\n>\n> Regards,\n> Customer Service"]
PHONE_HEAD = ["[Call log {time}] ", "Phone note (agent 14): ", "Inbound call - ", "CALL SUMMARY: "]
FORM = "Subject: @S@\nCategory (chosen by customer): @C@\nDescription:\n@D@"
FORM_MARKERS = ["Subject:", "SUBJECT:", "Form "]
FORM_CATS = ["Account", "Deposit", "Withdrawal", "Trading", "Security", "Technical issue",
             "Compliance", "Other", "Account security", "Funds", "Feedback"]

TYPOS = [("receive", "recieve"), ("account", "acount"), ("withdrawal", "withdrawl"),
         ("because", "becuase"), ("please", "plz"), ("you", "u"), ("really", "realy"),
         ("address", "adress"), ("definitely", "definately"), ("I am", "im"), ("I'm", "im")]


def restyle(rng, body, subject):
    """Second rendering: lower-case hurried typing, typos, or shouting."""
    k = rng.randint(0, 2)
    if k == 0:
        return body.lower().replace(". ", " ").replace(", ", " "), subject.lower()
    if k == 1:
        for a, b in TYPOS:
            if rng.random() < 0.7:
                body = body.replace(a, b)
        return body, subject
    return body.replace("!", "!!!").replace("?", "??"), subject.upper()


# ---------------------------------------------------------------- security P1
E("Where is my money?", """I have been a customer for three years and never had a problem. I logged in this morning to check on my savings and the total balance says 0.00. Last week there was about {amt} {coin} in there.
The history shows a withdrawal on {date_en} at {time} to {addr}. I don't know that address, I have never sent anything anywhere except my own Ledger. Please stop whatever is happening. UID {uid}.""", "security", "P1")
E("My father's account", """I am writing on behalf of my father, who is 79 and not comfortable with email. On Tuesday a man phoned him claiming to be from your "security department" and said his account would be closed unless he confirmed his identity. My father read out the six-digit codes that arrived by text message - three of them, I think.
When I looked at the account last night, all of his {coin} was gone. What can we do now?""", "security", "P1")
E("Fwd: New withdrawal address added", """Not me. I'm on a plane right now, using the wifi. Please lock it.

---------- Forwarded message ---------
From: Exchange Notifications <no-reply@exchange.example>
Date: {date_en} {time}
Subject: New withdrawal address added

A new {coin} withdrawal address ({net}) has been added to your address book: {addr}. If this wasn't you, disable your account immediately.""", "security", "P1")
E("Two quick things", """Hi, two things:
First, can you tell me what documents you accept for proof of address? I have a council tax bill and a bank statement.
Second, probably nothing, but I got a "new login from Windows / Chrome, IP {ip}" email an hour ago. I only use my phone. Should I be worried?""", "security", "P1")
W("Checking my recovery phrase", """Just set up the wallet in your app and wrote down the words. Can someone confirm I copied them correctly before I delete the screenshot?
{seed}
Thank you!""", "security", "P1")
W("API signature error", """Getting "Signature for this request is not valid" on every private endpoint. Here is my config so you can reproduce:
API_KEY={apikey}
API_SECRET={apisecret}
Python 3.11, using hmac sha256 over the query string.""", "security", "P1")
P("Customer call", """Customer called, says her phone lost signal last night ("SOS only") and her carrier told her this morning that a replacement SIM was issued in another city. Since then she received a password-reset email from us and a "withdrawal successful" email for {amt} {coin}. She did neither. Wants the account frozen. UID {uid}.""", "security", "P1")
P("Call summary", """Customer states he did not unbind his authenticator. At {time} he received an SMS "Google Authenticator has been disabled" and now his old codes are rejected. He has not requested any reset. Asked us to lock the account immediately.""", "security", "P1")
E("Is this normal?", """I'm new to crypto and a bit embarrassed. A man from an investment group I joined on WhatsApp offered to "set up my trading bot" and asked me to install AnyDesk so he could see my screen. He has been connected for about an hour and said he was doing arbitrage for me.
I just saw that {amt} USDT has been moved out of my account, and he is now asking me to deposit more. The program is still open on my laptop. What should I do?""", "security", "P1")
E("RE: Ticket #{ticket}", """I sent the authenticator setup key your agent asked for ({totp}) two hours ago, as instructed, and still have had no reply. How long does identity verification usually take?

> On {date_en}, Support Specialist wrote:
> To verify ownership, please reply with the 16-character key shown when you set up Google Authenticator.""", "security", "P1")
E("Strange orders in my account", """This afternoon my spot wallet was full of buy orders for {alt} that I never placed, all filled way above market. About {usd} USD worth. Basically all my USDT got converted.
I only ever hold BTC and ETH. Order ID {order}. Is this a system glitch or is someone in my account?""", "security", "P1")
W("Form: API key I don't recognise", """Form #{ticket}
Subject: API key
Category (chosen by customer): Technical issue
Description: There is an API key called "bot01" in my API management page with trade AND withdraw permissions, created {date_en} {time}. I have never created an API key in my life.""", "security", "P1")
E("Email changed", """My registered email was changed to an address I don't recognise - I only found out because my old inbox got an "email changed successfully" notice. Now I can't get in with my phone number either, it says wrong password. There's {amt} {coin} in there.""", "security", "P1")
E("RE: that phone call", """Following up on my earlier email: I thought the caller really was from your company so I gave him the SMS code ({code}) he asked for. After I hung up it felt wrong.
The balance looks fine for now but I'm very worried. What should I do?

-----Original Message-----
From: me
Subject: that phone call
Today someone called saying he was from your risk department and my account was linked to money laundering...""", "security", "P1")
E("Wrong website", """I googled your site, clicked the first result (it was an ad), and logged in as usual - email, password, the 2FA code. The page just kept loading. Then I noticed the URL had an extra letter in it.
My balance is still there. Do I need to change anything?""", "security", "P1")
E("Approval in the web3 wallet", """I connected your Web3 wallet to an airdrop site and pressed "Claim". The wallet asked me to sign something and I confirmed.
A few minutes ago {amt} {coin} left the wallet to a contract I've never heard of. I still have other tokens in there. Can you revoke that approval?""", "security", "P1")
P("Inbound call", """Customer called about a balance discrepancy: only dust left of his {amt} {coin}. On {date_en} at {time} a withdrawal went to external address {addr}. He says he never initiated it and received no confirmation code. Very distressed.""", "security", "P1")
E("private key - please move my coins", """Hello, a while ago I withdrew coins to my own wallet and now the wallet app won't open. I do have the private key: {pk}
Can you transfer the coins back into my exchange account for me? I am not technical.""", "security", "P1")
E("Login texts at night", """For two nights I've received "login successful" texts around {time}, while I'm asleep. Today I noticed the phone number on the account now ends in {tail} - that's not my number. Please act quickly.""", "security", "P1")
W("Withdrawal not arrived", """I withdrew {amt} {coin} at {time} to my wallet and nothing arrived.
Stranger: the withdrawal address shown is {addr}. That's not my wallet - mine starts differently. I never changed my address. When did this one get into my address book?""", "security", "P1")
E("Login from a device I don't own", """I'm travelling in {city_en}. Today I got your email about a login from a new Android device - I use an iPhone - and then another saying my anti-phishing code was changed.
Neither was me. Balance hasn't moved yet. Please freeze.""", "security", "P1")
E("Deposit for unlocking?", """A "VIP account manager" on Telegram told me he could lift my withdrawal limit but I first had to send {amt} USDT to a "margin address" {addr}. I've sent half. He wants the rest now.
Before I do: is he one of yours? Can I get back the part I already sent?""", "security", "P1")
E("please keep these words safe", """Dear Sirs, I am 82 and my memory is not what it was. My grandson wrote down these words for my wallet and said never to lose them, so I am sending them to you for safekeeping:
{seednum}
Please tell me you have received them.""", "security", "P1")
E("Backup codes + question", """Just turned on two-factor. Here are my backup codes so they're on record with you: {backup}
Also: is there a 24-hour withdrawal hold after enabling it?""", "security", "P1")
P("Call - phone stolen", """Customer called: phone was snatched on the tube this afternoon. No screen lock set, exchange app was logged in and the authenticator is on that phone. Wants account frozen right away. No unusual activity seen yet.""", "security", "P1")
E("Unauthorised sub-account transfers - urgent", """We are a cross-border e-commerce company settling through your institutional account. Our finance team found three unapproved transfers from sub-account {uid} today, totalling {amt} {coin}, moved to the master account and then withdrawn externally. Nobody at our company made them.
Please suspend all withdrawals on the institutional account immediately and provide the login logs.
Regards,
CFO""", "security", "P1")
E("livestream mistake", """I streamed myself on Twitch showing how to buy coins in your app. Viewers pointed out afterwards that my exported private key page was visible on screen for 10+ seconds.
Funds are still there but thousands of people watched it. Should I move everything now? What's the fastest way?""", "security", "P1")
E("My password is on a list online", """Someone in a forum posted a dump of "exchange logins" and my email plus my current password is in it. There's {amt} {coin} in my account, nothing has moved yet, but I'm worried. What should I do?""", "security", "P1")
W("P2P sale - buyer's link", """I sold {amt} USDT on P2P. The buyer sent me a link he said was the "platform payment confirmation page". I clicked it and entered my fund password and a verification code.
The coins got released but no money ever arrived in my bank. The buyer has vanished.""", "security", "P1")
E("Futures position I never opened", """There's suddenly a {lev}x short open in my futures account - huge size. I have never traded futures. My spot USDT was moved into futures as well.
I haven't authorised anyone. It is losing money as I write. Please do something now.""", "security", "P1")
P("Call note", """Customer received an SMS "Your withdrawal of {amt} {coin} was submitted, if this was not you call ...". She called that number; they had her install a "security helper" app and share her screen, then asked her to log in to check her balance. She hung up midway, felt it was wrong, and called us to check.""", "security", "P1")
E("internal transfer to a stranger", """My account shows an internal transfer of {amt} {coin} to UID {uid2} on {date_en} at {time}. I don't know that UID and I've never used internal transfer. This was my family savings.""", "security", "P1")
E("Notice of claim - client account", """Dear Sir/Madam,
We act for Mr. J. Carter, holder of account UID {uid}. On {date_en} our client discovered that the entire balance of his account (approx. USD {usd}) had been transferred out without his knowledge or consent, and that the e-mail address on the account had been changed. A police report has been filed.
We hereby request that you immediately freeze the account and the receiving addresses, and preserve all relevant records.
Yours faithfully,
Halvorsen & Pike LLP""", "security", "P1")
E("No signal + can't log in", """Why am I not getting any SMS codes? I went to my carrier's shop and they said my number was ported to a new SIM yesterday in another city - I never asked for that!
Now your site says "account logged in on another device" and won't let me in.""", "security", "P1")
W("authenticator keeps failing", """Codes keep being rejected so I reset the authenticator. This is the secret it showed: {totp}
Can you see what's wrong?""", "security", "P1")
E("woke up to sell notifications", """At 2 a.m. dozens of push notifications came in, all "sell order filled". All my {coin} was market-sold and then the USDT was withdrawn.
A few days ago I logged into my exchange account through an "airdrop claim" site. Could that be it? What now?""", "security", "P1")
E("Verification transfer not refunded", """Two days ago I contacted "official support" on Telegram about a withdrawal. They said my account needed "fund verification" and to send {amt} USDT to a verification address, refundable afterwards.
I sent it. Nothing has come back and they've stopped answering. Do you do verifications like this?""", "security", "P1")
E("Fwd: Security alert", """what is this?? I never made an API key

> From: Security Center
> A new API key (permissions: read, trade, withdraw) was created on your account on {date_en} {time}. If this wasn't you, disable it immediately.""", "security", "P1")
P("Call note", """Customer says her husband used her phone without her knowledge, logged into her account and moved {amt} {coin} to an address he controls; they are separating. She wants the account frozen and all security settings changed, as he likely knows her password.""", "security", "P1")
E("Funds missing after installing an extension", """My funding wallet is missing {amt} {coin}. The ledger shows "Withdrawal - completed" but I never withdrew.
The only new thing: a price-tracker browser extension I installed this week and logged into my account through.""", "security", "P1")
E("Everything changed", """My password stopped working today. I reset it through "forgot password" and found that the email and phone verification in the security center now belong to someone else, and there are two new addresses in the withdrawal whitelist.
Part of the balance is still there. Freeze it please before they move it.""", "security", "P1")
W("deposit arrived then left", """I deposited {amt} {coin} from another exchange, it was credited.
Then after I logged in just now it had been withdrawn again to {addr}, which I didn't do. The only thing I did was post a screenshot of the deposit, with my login email visible, in a Telegram group.""", "security", "P1")
E("gave away the codes", """Someone on WhatsApp said he was from your company and that I'd won an "anniversary prize". To verify me he asked for my email code and my Google Authenticator code, and I sent both.
I've just received "withdrawal request submitted: {amt} {coin}". I didn't submit that. Can you stop it?""", "security", "P1")
P("Call", """Customer says he logged in from a hotel business-centre PC last week and forgot to log out. Today there are several {alt} buy orders and a withdrawal he didn't make. He has already changed his password.""", "security", "P1")
E("Re: Re: freeze request", """I emailed yesterday that my account was compromised and it still isn't frozen - another {amt2} {coin} just left! Is anyone working on this?

> On {date_en}, I wrote:
> Someone logged into my account and withdrew {amt} {coin}. Please freeze immediately. UID {uid}""", "security", "P1")
E("reset request that isn't mine", """I got a new phone and forgot to move my authenticator before wiping the old one. When I went to request a 2FA reset, I found one was already submitted in my name, status "processing", and the selfie on it is not me!
Please reject that request.""", "security", "P1")
E("screenshot in a group chat", """I asked for help in a crypto group and posted a screenshot of my wallet export page. Someone told me later it shows the full private key.
The group has 500 members. {amt} {coin} is still in the wallet.""", "security", "P1")
E("signal provider locked me out", """I let a "signal provider" trade my account and gave him my login. We agreed spot only. Today he swapped the phone number on the account for his own, so I can't log in and he isn't answering.
About {amt} USDT is still in there.""", "security", "P1")
W("Form: balance", """Subject: balance wrong
Category (chosen by customer): Deposit
Description: Copied from the app:
  资产总览  总资产 0.00 USDT
  最近记录  提币  -{amt} {coin}  已完成  {time}
I set my app to Chinese by accident, but I can read numbers: that withdrawal is not mine. I was at work.""", "security", "P1")
E("KYC done - and a login alert", """Thanks for approving my KYC so quickly! One more thing, unrelated: your app shows a banner "Your password was changed on {date_en}". I haven't changed my password in months. Is that a display bug?""", "security", "P1")
E("Recovery phrase typed into a 'support' form", """Last week a support agent (I now think he wasn't) sent me a Google Form to "resync" my wallet and I typed my 12 recovery words into it. Today I saw your banner saying staff never ask for seed phrases.
The wallet still shows {amt} {coin}. What do I do first?""", "security", "P1")
P("Call", """Customer says a colleague borrowed her laptop, and today she sees an internal transfer of {amt} USDT to UID {uid2} that she didn't approve. Colleague denies it. Wants it frozen and investigated.""", "security", "P1")
E("devices list", """Under Settings > Devices I see three devices: my iPhone, "Chrome on Linux" and "Xiaomi 13". I own neither of the last two. Last active today {time}. Please advise urgently.""", "security", "P1")
E("fund password changed??", """Trying to withdraw, I got "Your fund password was changed on {date_en}; withdrawals are disabled for 24 hours". I did not change my fund password. I haven't received any codes either.""", "security", "P1")
E("left phone in a taxi", """Left my phone in a taxi last night. No passcode on it (I know...), and the app stays logged in with no extra PIN. Please lock my account until I get a new phone.""", "security", "P1")
E("paste from my notes", """Sorry if this is the wrong place. My 2FA app was migrated and I'm not sure which code is right. These are the backup codes from my notes app: {backup}. Also my login is still fine, I just want to double check the codes work.""", "security", "P1")

# ---------------------------------------------------------------- security P3
E("Scam text you should know about", """Hi, I received a text this morning: "[Exchange] Unusual activity detected. Verify at hxxps://exchange-secure-login.top within 24h or your account will be suspended."
I did not click it and I deleted it. Just letting you know so others don't fall for it.""", "security", "P3")
E("Fwd: your account will be frozen", """FYI - I ignored this, obviously.

---------- Forwarded message ---------
From: "Official Support" <exchange.help.desk@gmail.com>
Subject: Your account will be frozen
Reply with your recovery phrase within 24 hours to complete verification or your assets will be frozen.""", "security", "P3")
P("Call", """Customer got a call yesterday from someone claiming to be our risk team asking her to install a meeting app and share her screen. She hung up without installing anything or giving any details. Wants to know if we ever make such calls and to report the number ending {tail}.""", "security", "P3")
E("fake YouTube livestream", """There is a YouTube livestream right now using your CEO's face, promising to "double any BTC sent" to an address. It's obviously a scam. I didn't send anything. Can you get it taken down?""", "security", "P3")
W("DM from 'support' on X", """Someone DM'd me on X saying they were your support and asked for my UID and email to "process my ticket". I have no open ticket so I ignored it. Do you contact people by DM?""", "security", "P3")

# ---------------------------------------------------------------- account
E("lost my authenticator", """My phone went through the washing machine and the authenticator was on it, no backup. Now login asks for the Google code and I'm stuck.
I'm the only one who ever had that phone, nothing odd on the account as far as I know. How do I reset 2FA?""", "account", "P2")
E("Locked out", """I'm a retired schoolteacher; my son helped me open the account last year. Today I tried my password a few times and now it says "account locked, try again in 2 hours".
No strange emails or anything, I simply can't remember the password. What should I do?""", "account", "P2")
P("Call", """Customer changed mobile number; old SIM is cancelled, so SMS verification on login can't be received and he can't log in. Confirms no one else touched the account, the change was his own. Asks how to update the phone number.""", "account", "P2")
W("ID verification keeps failing", """KYC keeps saying "document image unclear". I've re-taken the photo three times in daylight. What exactly do you need? Would a passport be better than a driving licence?""", "account", "P3")
E("Can I verify with a residence permit?", """I'm a Brazilian citizen living in Portugal. Can I use my Portuguese residence permit for identity verification instead of my passport, which is being renewed?""", "account", "P3")
E("Sub-accounts for strategies", """We are a small quant team. We'd like a few sub-accounts under one master, one per strategy. How are they created, is there a limit, and can each have its own API keys?""", "account", "P4")
W("change display name", """How do I change my nickname and avatar? Couldn't find it in Settings.""", "account", "P4")
E("Please close my account", """I've decided to stop using the platform. I have withdrawn everything and the balance is zero. Please close my account and delete my personal data in line with GDPR.""", "account", "P4")
E("worried after reading the news", """I keep reading about people losing crypto. Suppose my phone were stolen one day - could someone get into my account? I only have SMS verification on at the moment.
Could you walk me through turning on an authenticator app, step by step? I'm not very good with these things.""", "account", "P4")
P("Call", """Customer turned off Google Authenticator herself yesterday, switching to SMS, and now wants to turn it back on but the binding page says "too many requests". Confirms every change was her own. Asks when she can bind again.""", "account", "P3")
E("reset email never comes", """I clicked "Forgot password" - it says a reset email was sent, but nothing arrives in my Gmail, spam included. Tried five or six times. Can't log in.""", "account", "P2")
W("account temporarily frozen", """Login says "account temporarily frozen due to multiple incorrect password attempts". Yes, I typed it wrong several times - I had changed it and forgot. How long until it unlocks?""", "account", "P2")
E("new phone - device verification", """Installed the app on my new phone and login wants me to approve on the old device. I sold the old phone (factory reset first). I can't get in on the new one.""", "account", "P2")
E("how long does KYC take", """I submitted advanced verification (the video call one) on Monday and it's still "under review". How long does it usually take?""", "account", "P3")
E("account for my 16-year-old", """Can my 16-year-old son open an account? If not, can I open one in my name and let him use it?""", "account", "P4")
W("change email", """I registered with my work email and I'm leaving the company soon. How do I switch to my personal email? I can still log in normally.""", "account", "P4")
P("Call", """Elderly caller says her grandson set up her account, he's now abroad, she doesn't know the password or which email is registered. She can provide her ID. Cannot log in.""", "account", "P2")
E("liveness check won't pass", """The face check keeps saying "please blink". I blink and blink and it never passes. Tried two phones. Verification is stuck on the last step.""", "account", "P3")
E("2FA device lost, phone was wiped", """Lost my phone on holiday but it had a passcode and I've remotely erased it, no unusual activity on my account. I now need to reset Google Authenticator to log in - what's the process?""", "account", "P2")
W("wrong date of birth", """I entered my date of birth wrong during verification and it got approved anyway. Can it be corrected?""", "account", "P3")
E("Sub-account transfer error", """We run three sub-accounts and want to move USDT from the master to one of them. The API returns "sub-account transfer not permitted" and I can't find the option on the web either. Is there a permission we need to enable?""", "account", "P3")
P("Call", """Customer's verification shows "Rejected: your country/region is not supported". He holds a Nigerian passport but lives in the UAE with a residence visa. Asks whether he can re-verify with proof of UAE residence.""", "account", "P3")
P("Call", """Customer's account at another exchange was compromised and he reused that password here. No unusual logins or activity on our side; he changed the password during the call. Asked how to set up an authenticator app.""", "account", "P4")

# ---------------------------------------------------------------- deposit
E("Deposit not showing", """Hope you're well. I've been meaning to write for a couple of days. I moved some savings over from my hardware wallet on {date_en}: {amt} {coin} via {net}. The explorer says success, TXID {txid}.
It still doesn't appear in my balance, {hours} hours later. Could someone look?""", "deposit", "P2")
E("Sent on the wrong chain", """Your deposit page gave me a TRC20 address for USDT but when I withdrew from the other exchange I picked BEP20 by mistake. {amt} USDT left there, TXID {txid}. Is there any way to recover it? Happy to pay a fee.""", "deposit", "P2")
W("Forgot the destination tag", """Deposited {amt} XRP and forgot the destination tag. It hasn't arrived. My tag is {memo}. Hash: {txid}""", "deposit", "P2")
P("Call", """Customer topped up via bank card through the fiat on-ramp, {fiat} EUR. Her bank has debited the money, our order shows "cancelled" and nothing was credited. She has a bank statement screenshot.""", "deposit", "P2")
E("I'm scared my money is gone", """I'm shaking a bit writing this. I sent {amt} {coin} to my deposit address, my wallet says it's sent, but my balance on your site is zero. Has someone taken it?
Nobody else uses my account and I haven't had any odd emails. The explorer page says "unconfirmed" and it has been {hours} minutes.""", "deposit", "P2")
E("Deposit below minimum", """I deposited a small amount of {coin} before noticing the minimum deposit. It hasn't been credited. Can it be credited or returned? TXID {txid}""", "deposit", "P2")
E("transfer from another exchange", """I withdrew {amt} {coin} from another exchange to my deposit address here. They say "completed" and gave TXID {txid}, but there is no deposit record on your side. I copy-pasted the address: {addr}.""", "deposit", "P2")
W("where do I find my deposit address", """Complete beginner here. I want to move some USDT in from my wallet. Where do I find the deposit address, and which network is cheapest?""", "deposit", "P4")
E("Card purchase declined", """Trying to buy with my Mastercard and I keep getting "Payment failed, contact your card issuer". There's money on the card and my bank shows no charge. Three attempts.""", "deposit", "P3")
E("deposit address changed?", """I've always used the same {coin} deposit address and today the app shows a different one. Is the old address still valid? A mining pool pays out to it automatically every week.""", "deposit", "P4")
E("Re: deposit from last week", """Last Friday I deposited {amt} {coin} over {net}. A week later it's still not credited. Your colleague told me to wait (ticket #{ticket}). I would like to know exactly where it is stuck.

-----Original Message-----
From: Customer Support
Please be patient, your case has been passed to the technical team.""", "deposit", "P2")
P("Call", """Customer sent {coin} to his 0x deposit address but over {net}, which we don't support for that asset. Not credited. Asks whether it can be recovered manually.""", "deposit", "P2")
E("wire transfer", """I sent a SWIFT transfer of USD {usd} from {bank_en} to your collection account with my UID in the reference, as instructed. The bank confirms it left three business days ago. Not credited yet.""", "deposit", "P2")
W("sent to the token contract", """I sent tokens to the {coin} contract address instead of my deposit address. Is it lost? It was only {amt2}.""", "deposit", "P2")
E("less than I sent", """I deposited {amt} USDT but the credited amount is several dollars short. Is there a deposit fee? TXID {txid}""", "deposit", "P2")
E("confirmations very slow", """First time using an exchange. I moved {amt} {coin} from my cold wallet and the deposit says "{hours}/64 confirmations" and it's crawling. Is this normal or have I lost it?""", "deposit", "P2")
E("Deposit - and a scam text", """Yesterday I got a text saying "your deposit has been frozen, contact support on WhatsApp". I know it's fake and ignored it.
But I really do have a deposit missing: {amt} {coin}, {net}, hash {txid}, a day now. Please check this one.""", "deposit", "P2")
W("Pay with Apple Pay?", """Can I buy USDT with Apple Pay or Google Pay? Where is that in the app?""", "deposit", "P4")
E("deposit credited but frozen", """My {amt} {coin} deposit shows as credited but it's frozen, with the note "Risk review: please provide proof of source of funds". The coins came from my own account on another exchange. What documents do you need?""", "compliance", "P2")
E("SEPA deposit reference", """Quick one: when I do a SEPA deposit, does the reference have to be exactly my UID, or can I add my name as well? Haven't sent anything yet.""", "deposit", "P4")
E("Fw: the deposit", """Adding my wife's email below - she made the deposit from our joint wallet, {amt} {coin}, it's not in my account after 6 hours. TXID {txid}.

---------- Forwarded message ---------
From: Anna
sent it at lunchtime, the wallet says complete, address was the one you gave me""", "deposit", "P2")

# ---------------------------------------------------------------- withdrawal
E("withdrawal stuck in processing", """On {date_en} at {time} I withdrew {amt} {coin} to my wallet. It has said "processing" for {hours} hours. Usually it takes minutes. Address {addr}.""", "withdrawal", "P2")
E("sent to the wrong address - my mistake", """I sent {amt} {coin} to the wrong address: {addr}. It was my own copy-paste error - it's an old address of a friend who no longer has the keys.
Is there anything you can do to reverse it?""", "withdrawal", "P2")
W("internal transfer to wrong UID", """I sent {amt} USDT via internal transfer to a friend but dropped a digit in the UID, so it went to {uid2}. Can you contact that user and ask for it back? My fault, I know.""", "withdrawal", "P2")
P("Call", """Customer's {amt} {coin} withdrawal shows "completed" but his wallet shows nothing. The transaction is on-chain (TXID {txid}), destination matches what he gave us. His wallet app says it's still syncing. He thinks the money is lost.""", "withdrawal", "P2")
E("withdrawal fee", """Why is the {coin} withdrawal fee so high? Network fees on {net} are tiny and you charge several dollars. How is the fee calculated?""", "withdrawal", "P3")
E("daily limit", """My account has a daily withdrawal limit and I want to withdraw about USD {usd} in one go. How can I raise the limit? Is a higher verification level needed?""", "withdrawal", "P4")
W("whitelist", """All these stories about hacked accounts make me nervous. I'd like to allow withdrawals only to my own wallet. Where do I switch on the address whitelist?""", "withdrawal", "P4")
E("withdrawal failed, fee kept", """A {amt} {coin} withdrawal shows "failed". The funds came back but the fee didn't. Error: "invalid address format" - but I've used this address many times before.""", "withdrawal", "P2")
E("24h hold after I changed my password", """My withdrawal was auto-cancelled: "For security, withdrawals are disabled for 24 hours after a password change." I did change my password yesterday, myself. Can the hold be lifted early? I need the money for rent.""", "withdrawal", "P2")
P("Call", """Customer withdrew to another exchange without the memo; the other exchange says nothing arrived. Ours shows completed, TXID {txid}. Asks if we can help.""", "withdrawal", "P2")
E("Fwd: Withdrawal request", """This one is mine, but it's been half a day and it still hasn't landed. Can you check?

> You submitted a withdrawal on {date_en} {time}: {amt} {coin} to {addr} ({net}). If this wasn't you, freeze your account immediately.""", "withdrawal", "P2")
E("withdrew on a chain my wallet doesn't support", """I withdrew USDT to my wallet on {net} but my wallet only supports TRC20 and shows nothing. How do I get it back?""", "withdrawal", "P2")
W("bank withdrawal time", """After selling USDT, how long does a withdrawal to my bank take, and what does it cost?""", "withdrawal", "P4")
E("supplier payment pending review", """I run an import business and pay suppliers from your platform monthly. This {amt} USDT withdrawal has been "pending review" for two days with no explanation. My supplier is chasing me.""", "withdrawal", "P2")
E("dust", """What's the minimum {coin} withdrawal? I only have a tiny amount left and can't withdraw it. Can I convert it?""", "withdrawal", "P4")
E("reconciliation - missing payout", """Our finance team reconciled today and one payout of {amt} USDT shows "completed" on your platform, but the beneficiary says it never arrived and the TXID you show ({txid}) doesn't exist on the explorer. Our own staff initiated it. Please investigate.""", "withdrawal", "P2")
W("first time to a Ledger", """First withdrawal to my Ledger. For {coin}, which network should I pick? The address starts with {addr}.""", "withdrawal", "P4")
E("fiat payout late", """A {fiat} EUR withdrawal to my bank account is on its fourth business day, status "bank processing".""", "withdrawal", "P2")
E("withdrawal pending forever", """Hey, my {coin} withdrawal has been pending since {time}. Network {net}, amount {amt}. Status page says no maintenance. Can you take a look?""", "withdrawal", "P2")
P("Call", """Caller, 74, pressed "withdraw" instead of "deposit" and sent {amt} {coin} to the address of his old wallet at another exchange, which he closed years ago. Nobody else involved, he simply chose the wrong button and pasted an old address from his notebook. Wants to know if it can be reversed.""", "withdrawal", "P2")

# ---------------------------------------------------------------- trading
E("Liquidation - I dispute this", """My {lev}x long on {coin} perpetual was liquidated on {date_en} at {time} and I lost {amt2} USDT. Your mark price spiked down to a level no other exchange printed.
I believe your price feed was faulty and I'm requesting compensation. Order ID {order}.""", "trading", "P2")
E("spot balance says 0 - found it", """Panicked for a second - my spot USDT balance showed 0! Then I remembered I moved all of it to the futures wallet last night to open a position.
How do I transfer it back to spot? Is there a fee?""", "trading", "P4")
W("limit order not filled", """I placed a limit buy on {coin}. Price dropped below my limit and it didn't fill. Order ID {order}""", "trading", "P3")
E("fee higher than the schedule", """I'm VIP1, so spot maker fee should be 0.08% per your fee page, but yesterday's fills work out to 0.1%. Please check. Order {order}""", "trading", "P3")
P("Call", """Customer bought on P2P, sent {fiat} EUR to the seller and clicked "paid". Seller hasn't released for over two hours and isn't replying. Order is in appeal.""", "trading", "P2")
E("slippage", """I market-sold {amt} {coin} and the average fill came in {pct}% below the price I saw. The book looked deep. That's absurd slippage.""", "trading", "P3")
E("funding rate", """How is the funding rate calculated on perpetuals? I held a position for a few hours and got charged funding.""", "trading", "P4")
W("convert failed but charged", """Used Convert to swap {amt} USDT to {coin}. Screen said "Conversion failed" but USDT was deducted and no {coin} arrived.""", "trading", "P2")
E("how is liquidation price computed", """My isolated position got liquidated. The loss is on me, I used too much leverage. I'd just like to understand in general how the liquidation price is computed so I can manage risk better.""", "trading", "P4")
E("cancel won't stick", """A limit sell on {alt} won't cancel. I hit cancel, it says success, I refresh and it's back. No money at risk, it's just annoying.""", "trading", "P3")
E("stop-loss didn't trigger", """I had a stop-loss set. Price went through it and nothing triggered, so I lost an extra {amt2} USDT. I want that loss compensated. Order {order}""", "trading", "P2")
P("Call", """Customer's margin account was liquidated to zero. He borrowed to go long, didn't add collateral when it fell, and accepts the result. Asks how to close the margin account.""", "trading", "P4")
E("P2P seller says I didn't pay", """I bought {amt} USDT on P2P and paid - my bank shows it - but the seller says nothing arrived and the appeal has had no response. Order {order}. Paid, no coins.""", "trading", "P2")
W("copy trading", """How do I stop copying a lead trader?""", "trading", "P4")
E("grid bot numbers", """I've had a spot grid on {coin} running for a week and the profit shown doesn't match my actual balance change. How is grid profit calculated?""", "trading", "P3")
E("position disappeared", """My futures position vanished and only a few USDT are left. I thought I'd been hacked, then found "forced liquidation" at {time} in history.
Price never got near my liquidation price. I lost {amt2} USDT and I want an explanation and a refund.""", "trading", "P2")
E("margin call email", """Got a margin call email saying my margin level is too low. I checked, {coin} did drop. To top up collateral, do I just transfer funds in?""", "trading", "P4")
E("BNB fee discount", """Where is the toggle to pay trading fees with the platform token, and what's the discounted rate?""", "trading", "P4")
E("Order history table", """Sorry for the long email. I'm trying to understand my fills from yesterday:

  Time    Pair        Side  Price   Filled   Fee
  {time}  {coin}/USDT BUY   market  {amt}    0.1%
  {time2} {coin}/USDT BUY   market  {amt2}   0.1%

The second order filled at a much worse price than the first even though only minutes passed. Was there something wrong with the order book?""", "trading", "P3")
E("sold but no USDT", """I sold {amt} {coin}; the order shows filled but my USDT balance didn't go up and my total assets dropped a lot. Is the matching engine broken? Order {order}""", "trading", "P2")

# ---------------------------------------------------------------- technical
E("app crashes on launch", """Since the latest update the app crashes immediately on my Pixel 7. Reinstalled twice. Website works fine.""", "technical", "P3")
W("API -1021", """POST /api/v3/order returns {{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}}. Server clock is NTP-synced. It happens intermittently.""", "technical", "P3")
E("429s below documented limits", """Our market-making process keeps receiving 429 Too Many Requests, though our request rate is well under the documented weights. Have the limits changed?""", "technical", "P3")
E("candle wick with no trades", """The {coin}/USDT 1m candle around {time} has a long lower wick, but there are no trades anywhere near that price in the trade history. Data error?""", "technical", "P3")
P("Call", """Customer reports the website is very slow: the assets page keeps spinning in every browser she tried; the mobile app is fine. No funds issue, just feedback.""", "technical", "P3")
E("websocket lag", """Public websocket depth and trade streams lag several seconds behind the web UI lately. We subscribe via wss to depth@100ms and trades.""", "technical", "P3")
W("NaN valuation", """The assets page shows the estimated value as "NaN USDT". Refreshing doesn't help; the per-coin list is correct.""", "technical", "P3")
E("push notifications stopped", """Fill notifications stopped arriving on my phone. Notification permission is on.""", "technical", "P3")
E("QR code unreadable", """The QR code on the deposit page can't be scanned by my wallet ("unrecognised"). Copying the address by hand works; just reporting the bug.""", "technical", "P3")
E("502 all morning", """Your site has shown 502 Bad Gateway all morning and the app keeps spinning. Maintenance? I have no open orders or positions, I just want to see prices.""", "technical", "P3")
W("captcha won't load", """The slider captcha at login never loads on my home broadband; on my phone hotspot it works, so I can log in that way.""", "technical", "P3")
E("docs typo", """The REST docs for GET /api/v1/account show a field "frozen" in the example response, but the actual field is "freeze". Worth fixing.""", "technical", "P3")
E("export fails", """Clicking "Export" on trade history gives "Export failed: internal error (500)", every day this week, in every browser.""", "technical", "P3")
E("post-only rejections", """Our API strategy got a batch of "Order would immediately match and take" rejections this afternoon for post-only orders. Expected behaviour? No losses.""", "technical", "P3")
W("Korean error text", """App shows this when I open the futures tab, then goes blank:
  "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요. (E5003)"
My phone language is English, not sure why it's Korean. Positions look fine on the website.""", "technical", "P3")

# ---------------------------------------------------------------- compliance
E("source of funds requested", """My withdrawal is suspended pending "proof of source of funds". The coins were bought with the proceeds of selling my flat. Which documents are accepted? {amt} USDT has been frozen for three days.""", "compliance", "P2")
E("EDD questionnaire", """We are an OTC desk and received your Enhanced Due Diligence questionnaire asking for our top ten clients and their transaction records.
This is commercially sensitive. Is there an alternative? Until it's done our institutional account can't deposit or withdraw, which is hurting our business.""", "compliance", "P2")
E("frozen by court order?", """My account says "Frozen at the request of a law-enforcement authority." I have no idea why - I only buy and sell USDT. Who requested it and whom do I contact?""", "compliance", "P2")
W("annual tax report", """Can I export a full 2025 trade history and P&L report for my tax return?""", "compliance", "P3")
E("deposit flagged high-risk", """I deposited {amt} {coin} from a personal wallet and you say the address is "linked to high-risk addresses", so the funds are frozen. I bought those coins from someone in a P2P group; I don't know their history. How do I get them released?""", "compliance", "P2")
E("travel rule form", """When withdrawing to another exchange your form asks for the beneficiary's name and address (travel rule). I don't know what to enter for the other exchange and the withdrawal won't submit.""", "compliance", "P2")
E("Request for records", """Dear Custodian of Records,
Pursuant to the attached subpoena issued in case no. {ticket}, we request account-opening documents, login IP records and transaction history from {date_en} to present for the account with UID {uid}.
Special Agent, Financial Crimes Unit""", "compliance", "P3")
E("licensing question", """Are you licensed in Singapore? I'm a resident and want to be sure trading with you is compliant.""", "compliance", "P4")
W("third-party payment", """I sold on P2P and the buyer paid from his wife's bank account. Now my account is restricted for "third-party payment" and I must submit an explanation. What do I do?""", "compliance", "P2")
E("which screening vendor", """We are a payments company settling USDT with you. Which on-chain screening provider do you use for deposits, and what risk-score threshold applies? We'd like to avoid issues in advance.""", "compliance", "P4")
P("Call", """Customer was asked for a video call and an explanation of the purpose of funds before a withdrawal. He refuses, says it's a privacy violation, wants the restriction removed. {amt} USDT withdrawal stuck.""", "compliance", "P2")
E("mixer flag", """My deposit was rejected as coming from a "mixing service". I used Tornado Cash once, years ago; these funds have nothing to do with it. Will the {amt} {coin} be returned or stay frozen?""", "compliance", "P2")
E("CRS self-certification", """I received an email asking for a CRS tax residency self-certification. What happens if I don't fill it in, and what do I need to provide?""", "compliance", "P3")
E("source of funds - invoices OK?", """Your compliance team asked for the source of funds of our {amt} USDT deposit and said the account may be restricted otherwise. We're an exporter, it's a customer payment. Are invoices and the contract acceptable? Account works normally for now.""", "compliance", "P3")

# ---------------------------------------------------------------- general
E("listing application", """We're a project in the {alt} ecosystem and would like to list our token. What's the process and who should we speak to?""", "general", "P4")
E("thank you", """Last week my deposit was stuck and your agent Sarah sorted it out within a day, very patiently. I wanted to say thank you.""", "general", "P4")
W("welcome bonus", """How do I claim the new-user trial bonus? Any conditions?""", "general", "P4")
E("partnership", """We're a game studio interested in a co-branded campaign with you. Who handles business development?""", "general", "P4")
E("suggestion", """Please add a dark mode to the app - charts at night are blinding. Also custom sorting on the markets page would be great.""", "general", "P4")
P("Call", """Caller asked how to get tickets to the annual conference and whether holding the platform token is required.""", "general", "P4")
E("ambassador programme", """I run a YouTube channel (50k subscribers) explaining crypto basics. How do I become a brand ambassador?""", "general", "P4")
E("support hours", """Is your support 24/7? If something went wrong at night (say a deposit didn't arrive), could I reach someone? Is there phone support? Nothing is wrong right now, I'm just asking.""", "general", "P4")
E("delisting", """I hear {alt}/USDT is being delisted. I still hold some. What happens after delisting - can I still withdraw?""", "general", "P4")
E("airdrop timing", """Your announcement said {alt} holders would get an airdrop. When is it usually distributed and do I need to register?""", "general", "P4")
E("liquidity partnership", """We are a market-making and OTC firm interested in a liquidity partnership. Who is the right business contact?""", "general", "P4")
E("You have effectively stolen my money", """This is outrageous. For a week now {amt} USDT has been sitting in my account and I cannot withdraw a cent because your "compliance department" wants bank statements for the last six months. Nobody hacked anything, you are simply holding my money hostage. Release it.""", "compliance", "P2")
E("merchant - customer used the wrong network", """Dear team, we are an online merchant using your deposit addresses for customer payments. One of our customers paid {amt} USDT to our address on {net} instead of TRC20 (TXID {txid}). It is not credited. Can this be recovered to our account?""", "deposit", "P2")
E("Treasury account - unknown API activity", """Our treasury team noticed that the API key used by our accounting integration placed {alt} market orders overnight, which the integration has no code path for (it is read-only on our side, although the key itself was created with trade rights). We did not authorise these trades. Please disable the key and freeze trading on UID {uid}.""", "security", "P1")
E("Re: your scam warning", """Thanks for your warning email about impersonators. Unfortunately it came too late for me: yesterday I had already given my login password and the code from my authenticator to a "support agent" on Telegram. I haven't checked the account since because I'm afraid to.""", "security", "P1")
