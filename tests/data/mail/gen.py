#!/usr/bin/env python3
"""Writes the mail corpus (tests/data/mail/*.eml; heldout/ with --heldout). The messages are
written by hand here so their charsets and transfer encodings are exact bytes; run it again
after an edit (python3 gen.py && python3 gen.py --heldout). Expected outcomes are in
expected.jsonl beside the files (one line per file), kept by hand, not generated."""
import base64, io, os, quopri, struct, sys, zipfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def b64(b):
    return "\n".join(base64.b64encode(b).decode()[i:i + 76]
                     for i in range(0, len(base64.b64encode(b)), 76))


def ew(text, cs, enc="B"):
    raw = text.encode(cs)
    if enc == "B":
        return "=?%s?B?%s?=" % (cs, base64.b64encode(raw).decode())
    q = "".join(c if (c.isalnum() and ord(c) < 128) else "=%02X" % ord(c)
                for c in raw.decode("latin1"))
    return "=?%s?Q?%s?=" % (cs, q)


def png():
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf():
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def zipbytes():
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w") as z:
        z.writestr("wallet_backup.txt", "not a seed phrase")
    return bio.getvalue()


def hdr(frm, subject, extra="", mid=None, date="Tue, 05 Mar 2024 10:15:00 +0800"):
    h = ""
    if frm is not None:
        h += "From: %s\n" % frm
    h += "To: support@desk.example\nSubject: %s\nDate: %s\n" % (subject, date)
    h += "Message-ID: <%s>\nMIME-Version: 1.0\n" % (mid or "m-%d@mail.example" % zlib.crc32(subject.encode()) )
    return h + extra


def write(dirname, name, data, crlf=False):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if crlf:
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with open(os.path.join(dirname, name), "wb") as f:
        f.write(data)


def text_part(body, cs, cte="8bit", ctype="text/plain"):
    raw = body.encode(cs)
    if cte == "base64":
        payload = b64(raw).encode()
    elif cte == "quoted-printable":
        payload = quopri.encodestring(raw)
    else:
        payload = raw
    return (("Content-Type: %s; charset=\"%s\"\nContent-Transfer-Encoding: %s\n\n" % (ctype, cs, cte)).encode()
            + payload + b"\n")


def simple(frm, subject, body, cs, cte="8bit", extra="", mid=None, ctype="text/plain"):
    return hdr(frm, subject, extra, mid).encode() + text_part(body, cs, cte, ctype)


def main_corpus(d):
    write(d, "zh_gbk.eml", simple(
        ew("王小明", "gbk") + " <wang.xm@example.cn>", ew("USDT提现20小时未到账", "gb2312"),
        "您好，\n\n我在3月4日提交了 500 USDT 的提现（TRC20），到现在已经20个小时了还是显示审核中。\n"
        "提现地址：TQ5vP3b8Kz1mXr7WcN9aJdF2hS4uY6eGtL\nTXID 还没有生成。请尽快帮我处理，谢谢！\n\n王小明\n",
        "gbk"))
    write(d, "zh_gb2312_subject.eml", simple(
        "li.na@example.cn", ew("充值没有到账", "gb2312") + " " + ew("请帮忙查询", "gb2312"),
        "客服你好，我充值了 0.5 ETH，区块浏览器显示已经确认 64 次，但是账户余额没有变化。\n"
        "TXID: 0x7d3c1b9e5f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e\n",
        "gb2312", "quoted-printable"), crlf=True)
    write(d, "zh_big5.eml", simple(
        ew("陳大文", "big5") + " <chan.taiman@example.hk>", ew("入金未到帳", "big5"),
        "您好，我昨天從銀行轉帳 HKD 20,000 入金，到現在帳戶還沒有到帳。\n轉帳參考編號：FPS20240305-88231\n請協助查詢，謝謝。\n",
        "big5", "base64"))
    write(d, "ko_euckr.eml", simple(
        ew("김민수", "euc-kr") + " <minsu.kim@example.kr>", ew("KYC 인증이 계속 거절됩니다", "euc-kr"),
        "안녕하세요.\n신분증 사진을 세 번이나 올렸는데 KYC 인증이 계속 거절됩니다.\n어떤 부분이 문제인지 알려주세요.\n",
        "euc-kr"))
    write(d, "ko_ks_c_5601.eml", hdr(
        "=?ks_c_5601-1987?B?" + base64.b64encode("박똠이".encode("cp949")).decode() + "?= <ddom.park@example.kr>",
        "=?ks_c_5601-1987?B?" + base64.b64encode("출금 지연 문의".encode("cp949")).decode() + "?=").encode()
        + b"Content-Type: text/plain; charset=\"ks_c_5601-1987\"\nContent-Transfer-Encoding: base64\n\n"
        + b64("안녕하세요, 똠이입니다.\n어제 신청한 BTC 출금이 아직 처리되지 않았습니다.\n주소: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n".encode("cp949")).encode()
        + b"\n", crlf=True)
    write(d, "ko_iso2022kr.eml", simple(
        "jiyoung.lee@example.kr", "=?ISO-2022-KR?B?" + base64.b64encode("계정 해킹 신고".encode("iso2022_kr")).decode() + "?=",
        "누군가 제 계정에 로그인해서 비밀번호를 바꿨습니다.\n계정을 즉시 동결해 주세요.\n",
        "iso-2022-kr", "7bit"))
    html = ("<html><head><title>Ticket</title><style>p{color:red} .x{display:none}</style>"
            "<script>var secret='tracking-js';document.write('evil')</script></head><body>"
            "<div>Hello support team,</div><p>My deposit of 1,200&nbsp;USDT sent on 4&nbsp;March has "
            "not arrived &amp; the app shows &quot;pending&quot;.</p>"
            "<p>TXID: <a href=\"https://track.example.net/click?u=123\">0x9a8b7c6d5e4f</a></p>"
            "<img src=\"https://pixel.example.net/open.gif?id=abc\" width=\"1\" height=\"1\">"
            "<!-- hidden comment text --><p>Thanks &#8212; Daniel &#x1F600;</p></body></html>")
    write(d, "html_only.eml", simple("Daniel Smith <daniel.smith@example.com>",
                                     "Deposit not credited", html, "utf-8", "quoted-printable",
                                     ctype="text/html"))
    mp = (hdr("\"Zhao Lei\" <zhao.lei@example.cn>", "Withdrawal stuck - screenshot attached",
              "Content-Type: multipart/mixed; boundary=\"=_b1\"\n").encode()
          + b"\n--=_b1\n" + text_part("Please see the screenshot of the stuck withdrawal and the bank statement.\n", "utf-8")
          + b"--=_b1\nContent-Type: image/png; name=\"screenshot.png\"\nContent-Disposition: attachment; filename=\"C:\\\\Users\\\\zl\\\\Desktop\\\\screenshot.png\"\nContent-Transfer-Encoding: base64\n\n"
          + b64(png()).encode()
          + b"\n--=_b1\nContent-Type: application/octet-stream\nContent-Disposition: attachment;\n filename*=UTF-8''%E9%93%B6%E8%A1%8C%E6%B5%81%E6%B0%B4.pdf\nContent-Transfer-Encoding: base64\n\n"
          + b64(pdf()).encode()
          + b"\n--=_b1\nContent-Type: application/pdf; name=\"invoice.pdf\"\nContent-Disposition: attachment; filename=\"../../etc/invoice.pdf\"\nContent-Transfer-Encoding: base64\n\n"
          + b64(zipbytes()).encode() + b"\n--=_b1--\n")
    write(d, "multipart_png_pdf.eml", mp)
    write(d, "forwarded.eml", simple(
        "Anna Lee <anna.lee@example.com>", "Fwd: Security alert: new login",
        "Is this email really from you? I did not log in from Lagos.\n\n"
        "---------- Forwarded message ---------\nFrom: Exchange Security <no-reply@exch-secure.example>\n"
        "Date: Mon, Mar 4, 2024 at 11:02 PM\nSubject: Security alert: new login\nTo: <anna.lee@example.com>\n\n"
        "A new login to your account from Lagos, NG. If this was not you, click here to secure your account.\n",
        "utf-8"))
    write(d, "outlook_reply.eml", simple(
        "Mark Jensen <mark.jensen@example.com>", "RE: [SD-000451] Account frozen",
        "Hi,\n\nI have uploaded the requested bank statement. Please unfreeze my account.\n\nRegards,\nMark\n\n"
        "________________________________\nFrom: Support <support@desk.example>\nSent: Monday, March 4, 2024 9:14 AM\n"
        "To: Mark Jensen <mark.jensen@example.com>\nSubject: [SD-000451] Account frozen\n\n"
        "Dear customer, please upload a bank statement from the last 3 months.\n",
        "utf-8", "quoted-printable", extra="In-Reply-To: <sd-451-2@desk.example>\nReferences: <sd-451-1@desk.example> <sd-451-2@desk.example>\n"), crlf=True)
    write(d, "gmail_reply.eml", simple(
        "Priya Raman <priya.raman@example.in>", "Re: [SD-000777] Withdrawal pending",
        "Still nothing arrived. The TXID you sent does not show on Etherscan.\n\n-- \nPriya Raman\nSenior Analyst, Acme Ltd\n\n"
        "On Mon, Mar 4, 2024 at 3:21 PM Sealdesk Support <support@desk.example>\nwrote:\n\n"
        "> Your withdrawal was broadcast, TXID 0xabc123.\n> Regards, Support\n",
        "utf-8", extra="In-Reply-To: <sd-777-3@desk.example>\n"))
    write(d, "zh_reply_xiedao.eml", simple(
        "sun.li@example.cn", "回复：[SD-000912] 账户被盗",
        "我已经按照你们说的修改了密码和谷歌验证，但是资产还是被转走了 2 BTC。\n请尽快冻结！\n\n发自我的iPhone\n\n"
        "在 2024年3月5日 08:30，Sealdesk 客服 <support@desk.example> 写道：\n\n> 请您先修改密码并重新绑定谷歌验证器。\n",
        "utf-8", "base64"))
    write(d, "ko_reply.eml", simple(
        "hyun.choi@example.kr", "RE: [SD-001024] 입금 확인 요청",
        "입금 내역 캡처를 다시 보내드립니다. 확인 부탁드립니다.\n\n"
        "2024년 3월 5일 (화) 오후 2:10, Sealdesk 고객센터 <support@desk.example>님이 작성:\n\n> 입금 내역을 보내주시면 확인하겠습니다.\n",
        "utf-8"))
    write(d, "auto_reply.eml", simple(
        "liu.yang@example.cn", "自动回复: 您的工单 [SD-000300] 已更新",
        "您好，我正在休假，3月10日回来后回复您的邮件。\n", "utf-8",
        extra="Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n"))
    write(d, "ooo_no_headers.eml", simple(
        "Tom Baker <tom.baker@example.co.uk>", "Out of Office - but urgent: hacked account",
        "I am travelling but someone just withdrew 3 ETH from my account without my approval. Please freeze it now.\n",
        "utf-8"))
    nl = ("Content-Type: multipart/alternative; boundary=\"nl\"\nList-Id: Crypto Weekly <weekly.list.example.com>\n"
          "List-Unsubscribe: <https://list.example.com/unsub?id=77>\nPrecedence: bulk\n")
    write(d, "bulk_newsletter.eml", hdr("Crypto Weekly <news@list.example.com>", "This week: BTC hits new high", nl).encode()
          + b"\n--nl\n" + text_part("Top stories this week: BTC, ETH ETF, and more.\n", "utf-8")
          + b"--nl\n" + text_part("<p>Top stories this week</p><img src=\"https://t.example.com/p.gif\">", "utf-8", ctype="text/html")
          + b"--nl--\n")
    dsn = (hdr("Mail Delivery System <MAILER-DAEMON@mx.desk.example>", "Undelivered Mail Returned to Sender",
               "Auto-Submitted: auto-replied\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"dsn\"\n",
               mid="dsn-1@mx.desk.example").encode()
           + b"\n--dsn\nContent-Type: text/plain; charset=us-ascii\n\nThis is the mail system at host mx.desk.example.\n"
             b"I'm sorry to have to inform you that your message could not be delivered.\n\n<nobody@example.org>: host example.org said: 550 5.1.1 User unknown\n"
             b"\n--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.desk.example\n\nFinal-Recipient: rfc822; nobody@example.org\nAction: failed\nStatus: 5.1.1\n"
             b"\n--dsn\nContent-Type: message/rfc822\n\nFrom: Sealdesk Support <support@desk.example>\nTo: nobody@example.org\n"
             b"Subject: [SD-000555] Your ticket was received\nMessage-ID: <sd-555-1@desk.example>\n\nWe received your request.\n"
             b"\n--dsn--\n")
    write(d, "bounce_dsn.eml", dsn)
    write(d, "loop.eml", simple("support@desk.example", "Re: [SD-000042] Ticket received",
                                "We received your request.\n", "utf-8",
                                extra="X-Sealdesk-Loop: desk.example\nAuto-Submitted: no\n"))
    broken = (hdr("Omar Haddad <omar.haddad@example.ae>", "Withdrawal of 2 BTC blocked",
                  "Content-Type: multipart/mixed; boundary=\"brk\"\n").encode()
              + b"\n--brk\n" + text_part("My withdrawal of 2 BTC is blocked since yesterday, please check.\n", "utf-8")
              + b"--brk\nContent-Type: image/jpeg; name=\"proof.jpg\"\nContent-Transfer-Encoding: base64\n\n"
              + b"/9j/4AAQSkZJRgABAQ!!!not*base64***\n@@@@\n")
    write(d, "broken_mime.eml", broken)
    write(d, "wrong_charset.eml", hdr("zhou.min@example.cn", ew("提现地址填错了", "gbk")).encode()
          + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
          + "我提现的时候地址填错了一位，能不能撤回？金额是 300 USDT。\n".encode("gbk"))
    write(d, "nul_bytes.eml", b"From: nul.test@example.com\nTo: support@desk.example\nSubject: NUL in\x00 subject\n"
          b"Message-ID: <nul-1@example.com>\nContent-Type: text/plain; charset=utf-8\n\n"
          b"First part of the text\x00 and the rest after a NUL byte: my deposit is missing.\n")
    write(d, "gmime133.eml", hdr(
        "=?UTF-8?B?5byg5LiJIA==?= =?UTF-8?B?5p2O5Zub?= <zhang.san@example.cn>",
        "=?UTF-8?B?5o+Q546wIA==?= =?UTF-8?B?5rKh5pyJ5Yiw6LSm?= [SD-000123] urgent").encode()
        + text_part("提现没有到账，请帮忙查一下。\n", "utf-8"))
    write(d, "no_from.eml", "To: support@desk.example\nSubject: help\nMessage-ID: <nofrom@x.example>\n\nmy account is locked\n")


def heldout(d):
    write(d, "zh_qq_reply.eml", simple(
        ew("刘洋", "gb18030") + " <88812345@qq.example>", ew("回复：[SD-000620] 提现审核", "gb18030"),
        "我已经上传了身份证正反面，麻烦尽快审核提现。\n\n------------------ 原始邮件 ------------------\n"
        "发件人: \"Sealdesk客服\"<support@desk.example>;\n发送时间: 2024年3月5日(星期二) 上午9:00\n"
        "收件人: \"刘洋\"<88812345@qq.example>;\n主题: [SD-000620] 提现审核\n\n请上传身份证正反面照片。\n",
        "gb18030", "base64"))
    write(d, "zh_tw_outlook.eml", simple(
        "lin.yating@example.tw", ew("回覆: 帳號被凍結", "big5"),
        "您好，我已經補上資料了，請幫我解凍帳號。\n\n林雅婷\n\n寄件者: Sealdesk 客服 <support@desk.example>\n"
        "寄件日期: 2024年3月4日 下午 04:12\n收件者: lin.yating@example.tw\n主旨: 帳號被凍結\n\n請提供最近三個月的銀行對帳單。\n",
        "big5", "quoted-printable"))
    write(d, "en_hacked.eml", simple(
        "\"Jake O'Neil\" <jake.oneil@example.com>", "Re: [SD-000888] HACKED - funds gone",
        "Someone changed my 2FA and withdrew everything to bc1q9h6yzs4nq3y4l5qsk8a5f0e0tr3fw0h4jvlx2e.\n"
        "I did not do this!!\n\n> Can you confirm when you last logged in?\n> \n> Support\n\nSent from my iPhone\n",
        "utf-8"))
    write(d, "ko_original.eml", simple(
        "seoyeon.jung@example.kr", ew("RE: 출금 주소 변경", "euc-kr"),
        "주소 변경을 취소하고 싶습니다. 제가 요청한 것이 아닙니다.\n\n-----원본 메일-----\n보낸 사람: support@desk.example\n"
        "받는 사람: seoyeon.jung@example.kr\n제목: 출금 주소 변경\n\n출금 주소가 변경되었습니다.\n",
        "euc-kr", "base64"))
    write(d, "autoreply_x.eml", simple("chen.bo@example.cn", "Re: your ticket", "I am away until Monday.\n",
                                       "utf-8", extra="X-Autoreply: yes\n"))
    write(d, "bulk_list.eml", simple("Exchange Users Forum <forum@lists.example.org>", "[forum] Weekly digest",
                                     "Digest of 12 messages.\n", "utf-8", extra="Precedence: list\n"))
    rh = (hdr("postmaster@mail.example.org", "Delivery Status Notification (Failure)",
              "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r2\"\n").encode()
          + b"\n--r2\nContent-Type: text/plain\n\nDelivery to the following recipient failed permanently: ghost@example.org\n"
            b"\n--r2\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.example.org\n\nFinal-Recipient: rfc822; ghost@example.org\nAction: failed\nStatus: 5.1.1\n"
            b"\n--r2\nContent-Type: text/rfc822-headers\n\nFrom: support@desk.example\nTo: ghost@example.org\nSubject: [SD-000556] Update\n"
            b"Message-ID:\n <sd-556-4@desk.example>\n\n--r2--\n")
    write(d, "bounce_headers.eml", rh)
    h = ("<div dir=\"ltr\">The withdrawal still shows &quot;processing&quot; after 3 days.<br>Please escalate.</div>"
         "<br><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Mar 5, 2024 at 10:00 AM Support &lt;support@desk.example&gt; wrote:<br></div>"
         "<blockquote class=\"gmail_quote\">We are checking with the chain team.</blockquote></div>"
         "<img src=\"https://mail-tracker.example/o.png\" width=1 height=1>")
    write(d, "html_gmail_reply.eml", simple("maria.garcia@example.es", "Re: [SD-000700] Withdrawal processing",
                                            h, "utf-8", "quoted-printable", ctype="text/html"))
    write(d, "zh_163_reply.eml", simple(
        "wu.fang@163.example", "Re:[SD-000812] 充值问题",
        "TXID 我已经发给你们了：0x1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b\n\n"
        "发件人: Sealdesk客服 <support@desk.example>\n日期: 2024年3月5日 10:12\n收件人: wu.fang@163.example\n主题: [SD-000812] 充值问题\n\n"
        "请提供充值的 TXID。\n", "utf-8", "quoted-printable"))
    rec = "".join("Received: from relay%d.example.net by relay%d.example.net; Tue, 5 Mar 2024 10:00:%02d +0000\n"
                  % (i, i + 1, i % 60) for i in range(40))
    write(d, "loop_received.eml", (rec + hdr("loopy@example.net", "Re: Re: Re: ticket", "")).encode()
          + text_part("ping\n", "utf-8"))
    write(d, "ko_mobile.eml", simple("taeyang.han@example.kr", "비밀번호 재설정이 안 됩니다",
                                     "비밀번호 재설정 메일이 오지 않습니다. 확인 부탁드립니다.\n\nSamsung Galaxy 스마트폰에서 보냈습니다.\n",
                                     "utf-8", "base64"))


if __name__ == "__main__":
    if "--heldout" in sys.argv:
        heldout(os.path.join(HERE, "heldout"))
    else:
        main_corpus(HERE)
