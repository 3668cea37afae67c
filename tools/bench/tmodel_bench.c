/* Triage model cost benchmark (not a test): scores a reference ticket (1 KiB body, en, zh or ko
 * folded text) N times with the shipped model (src/tmodel) and prints the time per ticket.
 * Instructions per ticket under callgrind: the difference of the totals of two runs over the
 * difference of their counts (the model load cancels out), e.g.
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null tmodel_bench en 1000   (and 2000)
 * usage: tmodel_bench [en|zh|ko] [N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sealdesk/tmodel.h"

static const char en[] =
    "hello support, i am writing because my withdrawal of 0.35 eth to my ledger wallet has been "
    "pending for more than twenty hours now. the app says processing but nothing arrived and the "
    "txid is not shown anywhere. i already checked the network (erc20) and the address twice, it "
    "is correct, i have used it many times before. yesterday i also got an email that a new "
    "device logged in, but i think that was me on my new phone, not sure. can you please check "
    "what is going on with the withdrawal and tell me when it will be sent? i need the funds for "
    "a payment tomorrow morning and i am getting really worried. also the fee looked higher than "
    "usual, is there a problem with the ethereum network right now? i did not change anything in "
    "my security settings and 2fa is still on. thanks a lot for your help, i have been a customer "
    "for three years and never had this issue before. please answer soon, my uid is 48213377 and "
    "the amount was 0.35 eth at 14:02 utc. best regards, kim.";
static const char zh[] =
    "你好，我昨天晚上提现了0.35个ETH到我的冷钱包，到现在已经超过二十个小时了还是显示处理中，"
    "链上也查不到交易哈希。我确认过网络是ERC20，地址也核对了两遍，以前用过很多次都没问题。"
    "昨天还收到一封邮件说有新设备登录，应该是我自己换了新手机，不太确定。麻烦帮我查一下这笔提现"
    "到底怎么回事，什么时候能到账？我明天早上要用这笔钱付款，现在非常着急。另外手续费好像比平时"
    "高，是不是以太坊网络有问题？我没有改过任何安全设置，谷歌验证也一直开着。谢谢！";
static const char ko[] =
    "안녕하세요, 어제 밤에 이더리움 0.35개를 제 개인 지갑으로 출금 신청했는데 스무 시간이 넘도록 "
    "처리 중으로만 나오고 txid도 안 보입니다. 네트워크는 ERC20으로 맞게 했고 주소도 두 번 "
    "확인했어요. 예전에 여러 번 쓰던 주소라 문제 없을 거예요. 어제 새 기기 로그인 알림 메일도 "
    "받았는데 새 폰으로 제가 로그인한 것 같아요. 출금이 왜 안 되는지 확인해 주시고 언제 "
    "처리되는지 알려주세요. 내일 아침에 결제해야 해서 너무 걱정됩니다. 수수료도 평소보다 비싸 "
    "보였는데 네트워크 문제인가요? 보안 설정은 바꾼 적 없고 2단계 인증도 켜져 있습니다.";

int
main(int argc, char **argv)
{
    const char *lang = argc > 1 ? argv[1] : "en";
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
    const char *text = strcmp(lang, "zh") == 0 ? zh : strcmp(lang, "ko") == 0 ? ko : en;
    struct sd_tmodel *m = NULL;
    struct sd_tmodel_out o;
    struct timespec a, b;
    double fund = 0;

    if(n <= 0 || sd_tmodel_default(&m) != SD_OK) {
        fprintf(stderr, "usage: tmodel_bench [en|zh|ko] [N]\n");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &a);
    for(long i = 0; i < n; i++) {
        if(sd_tmodel_predict(m, text, strlen(text), &o) != SD_OK)
            return 1;
        fund += (double)o.fund;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%s: %zu bytes, %u features, %.2f us per ticket (P(fund) %.3f)\n", lang, strlen(text),
           o.features,
           ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3 /
               (double)n,
           fund / (double)n);
    sd_tmodel_free(m);
    return 0;
}
