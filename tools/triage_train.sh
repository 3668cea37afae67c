#!/usr/bin/env bash
# Train data/triage.model from the labelled sets, in a fixed order (deterministic output).
# usage: tools/triage_train.sh TRIAGE_TRAIN_BIN OUT        (`make triage-model`)
#        tools/triage_train.sh TRIAGE_TRAIN_BIN --check    (ctest model.up_to_date: the committed
#                                                           model equals a fresh training run)
# The sets: data/triage/{train,holdout,holdout2,train4,...,train13}-{zh,en,ko}.jsonl,
# ../shared/data/triage-dev.jsonl, data/triage/tmodel-kinds.jsonl, kinds8-{zh,en,ko}.jsonl and
# kinds9-, kinds9e-, kinds9f-, kinds10-, kinds10q-, kinds11g-, kinds12-, kinds12g-, kinds12q- and
# kinds13- and kinds13f-{zh,en,ko}.jsonl (never the independent held-out sets holdout3-* .. holdout13-*).
set -euo pipefail
BIN=${1:?usage: triage_train.sh BIN OUT|--check}
OUT=${2:?usage: triage_train.sh BIN OUT|--check}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SETS=()
for s in train holdout holdout2 train4 train5 train6 train7 train8 train9 train10 train11 train12 train13; do
  for l in zh en ko; do SETS+=("$ROOT/data/triage/$s-$l.jsonl"); done
done
SETS+=("$ROOT/../shared/data/triage-dev.jsonl")
# model-only examples of alarming non-P1 kinds (exchange hack rumours, prevention questions,
# ignored impersonators, lost 2FA without compromise, own logins): data/triage/README.md
SETS+=("$ROOT/data/triage/tmodel-kinds.jsonl")
# round 8: kinds unseen writers missed (loss told by what is left, denials after the verb,
# ignored scams, own actions, ko direction particles and feature-request endings)
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds8-$l.jsonl"); done
# round 9: kinds the rules missed on the gen4..gen7 writers (labelled API secrets, unrequested
# notices, passive setting changes, unknown counterparties, API keys given away, credentials
# posted, scam wallets, Cantonese, pinyin and casual ko spelling) next to their calm twins
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds9-$l.jsonl"); done
# round 9 (E): mails, forms and phone notes whose structure (quotes, signatures, disclaimers)
# must not decide the label
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds9e-$l.jsonl"); done
# round 9 (F): fund safety told as what the customer sees (a change they did not make, activity
# they do not recognise, a secret asked for now) next to benign twins
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds9f-$l.jsonl"); done
# round 10 (T): fund-safety kinds the rules missed on the WA/WB writers (casual ko denials,
# untouched alibis, impostor payments, API fills the customer's bot did not send, secrets
# posted to chat groups) and bot advice in chat transcripts, next to calm twins
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds10-$l.jsonl"); done
# round 10 (Q): priority kinds next to their twins: a transfer asked about before it is made
# (P4) vs one in limbo now or followed up (P2), a fee or document question asked with alarm
# (P3), a question about locking vs an account locked (P4 vs P2), "cannot find" + a feature
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds10q-$l.jsonl"); done
# round 11 (G): category kinds unseen writers got wrong (a late transfer's hash is no key, the
# direction told by where the money left from, several issues where money in limbo decides, a
# ko "registered exchange" question) next to their twins (a key pasted with a late deposit)
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds11g-$l.jsonl"); done
# round 11 (T): fund-safety kinds the rules missed on the WC writer (departed staff acting on a
# corporate account, QR logins approved for someone else, unofficial apps, impersonated desk
# products, codes handed to a P2P counterparty, quantified ko denials) next to calm twins
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds12-$l.jsonl"); done
# round 12 (G): category kinds from the blind folds (older rules on writers they had not seen):
# the direction told by the far end (from a wallet or another exchange: deposit; to one:
# withdrawal), a fee told as less received, a withdrawal hold after the customer's own password
# change, a third-party or company payer returned (compliance), reviews, press, ko convert words
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds12g-$l.jsonl"); done
# round 12 (Q): priority kinds next to their twins: access blocked now (P2) vs a question
# whether it could be (P4) or a phishing text saying so (P3); a forced close disputed with a loss
# (P2); a P2P order closed after the fiat was paid (P2); something broken asked about (P3) vs a
# how-to (P4); a scam the customer declined (P3) vs one acted on (P1)
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds12q-$l.jsonl"); done
# round 12 (T): fund-safety kinds the rules missed on the blind train13 writer (advance fees paid,
# a passcode sharer using the phone, team denials, secrets on social media, public posts that
# declare a loss, relatives obeying a fake security team) next to calm twins (fee asked about,
# install refused, hypothetical lost phone, "no unusual login", liquidation wicks, dormancy)
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds13-$l.jsonl"); done
# round 13 (F): fund-safety kinds the rules missed on the blind folds (money sent to someone
# posing as the desk off the desk, codes handed to a P2P counterparty or typed into its page,
# QR logins for someone else, security settings changed and denied, port-outs, money still
# leaving, "where did my coins go, I sent them to no one") next to calm twins (a scam not paid,
# a refused counterparty, the customer's own release, own changes, a late withdrawal)
for l in zh en ko; do SETS+=("$ROOT/data/triage/kinds13f-$l.jsonl"); done
# The model's P1 raise (the trainer's defaults, said here because they are a choice): P(fund
# safety) >= 0.4 and the P1 head >= 0.5, chosen on tools/triage_xval.sh's seven folds, the
# writers the rules were not tuned on (gen4, gen6, gen7) counted twice (round 8): 33 missed P1s
# and 164 false P1s over the folds, against 39 and 185 for round 7's fund head alone at 0.5.
# A missed fund-safety ticket is the worst error (data/triage/README.md "Round 8, brief M").
# Round 9 re-checked both on the folds (27 points with --fund-neg 2..4) and kept them; the
# training defaults (rate 1, 30 epochs averaging 15, prune 0.2, prio_conf 0.6) moved instead
# (data/triage/README.md "Round 9 (issue #17 item 2, brief M)").
# Round 10 (data/triage/README.md "Round 10, brief M"): the model trains on the mail view it
# reads at triage (--view) and on three surface variants of every text (--augment: a greeting
# and sign-off; no punctuation / unspaced CJK / a Latin letter typo; all of them), chosen on the
# nine writer folds (fold sum 1807 -> 1625); prune 0.35 (0.3: 1623, 61,563 rows) leaves room
# under the format's 65,535 rows for the next writers' sets (56,630 rows today).
# Round 11 (data/triage/README.md "Round 11, brief F"): the P1 raise chosen on writers the RULES
# had not seen (edde5b7's rules on train10/11, 53c8c9e's on train8/9, the model trained without
# them) and on the 11 folds, a missed P1 costed 10 false P1s, with the shared dev set's accuracy
# kept (its floors leave room for one false P1): P(fund safety) >= 0.3 with the P1 head >= 0.4,
# and where a withdrawal rule fired (money leaving) >= 0.1 with the P1 head >= 0.2. Blind folds
# 103 -> 71 missed P1s for 105 -> 130 false P1s; 11 folds 15 -> 8 missed for 164 -> 243 false.
# Round 12 (merge): train13, kinds12g, kinds12q and kinds13 pass SD_TMODEL_MAX_ROWS at prune 0.4;
# prune 0.45 keeps 60,869 rows.
# Round 13 (data/triage/README.md "Round 13, brief F"): a calm or question rule's veto yields
# when P(fund safety) >= 0.95 with the P1 head >= p1_agree (--veto-raise): on the blind folds it
# caught 5 missed P1s (A 3, B 2) and added no false P1 (0.9 added one).
# Round 14: kinds14f and kinds14c (rule-check sets next to the F14 and C14 rule blocks) are NOT
# trained on: their near-miss twins (a code refused, "no unknown device", a report taken back)
# lowered the model's fund-safety vote on writers it had not seen. With kinds14f in training the
# blind folds missed one more P1 (23 -> 24) with 5 more false P1s (167 -> 170, fold A 2 -> 3
# missed, B 48 -> 53 false); with kinds14c the writer folds had 5 more false P1s (273 -> 278) and
# the gen13 fold lost a P1 until rows were dropped. The rules are gated on them instead
# (Makefile TRIAGE_GATED); data/triage/README.md "Round 14, the merge".
# (one line: README and data/triage/README.md read it with sed -n 's/^PARAMS=(\(.*\))/\1/p')
PARAMS=(--fund-raise 0.3 --p1-agree 0.4 --money-raise 0.1 --money-agree 0.2 --view --prune 0.45 --augment 8 --augment 7 --augment 15 --veto-raise 0.95)
if [ "$OUT" = "--check" ]; then
  tmp=$(mktemp /tmp/triage-model.XXXXXX)
  trap 'rm -f "$tmp"' EXIT
  "$BIN" "${PARAMS[@]}" --out "$tmp" "${SETS[@]}"
  if ! cmp -s "$tmp" "$ROOT/data/triage.model"; then
    echo "data/triage.model is not what the labelled sets train: run 'make triage-model'" >&2
    exit 1
  fi
  echo "data/triage.model is up to date"
else
  "$BIN" "${PARAMS[@]}" --out "$OUT" "${SETS[@]}"
fi
