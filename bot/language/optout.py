"""Opt-out in a private chat ('退订', 'TD', '请帮我退订，谢谢', '不要再给我发优惠信息了', '别再推送了', '先把我的推送停了吧')
- not a question about it, its meaning or what follows ('TD是什么意思', '退订了还能上课吗？', '不想收推送 但是还想继续上课
可以吗'), nor the sender's own muting ('我设成免打扰了') - and resubscribing ('恢复订阅').

Asking HOW to stop is the wish to stop said as a question, and an opt-out only ('怎么退订', '怎么样才能收不到这些推送啊',
'怎么设置才能不收你们的消息', '我想退订，但是不知道怎么操作'), as is a request to stop asked ('能帮我退订吗', '这个号的消息能关掉
吗', '能不能不给我发理财广告了'): the question relay skips those clauses (`said_as_question`). Not another's wish ('我朋友想
退订，怎么操作'), how to stop a fund plan ('定投怎么停止'), why nothing comes ('怎么收不到消息了') or how to mute the phone ('怎么
设置免打扰'). A message that asks to stop and asks something else ('退订。另外我的基金怎么赎回？') is both."""
from __future__ import annotations

import re
from collections import Counter

from bot.language.clauses import Clause
from bot.language.cues import Cues, Words
from bot.language.scope import Scope
from bot.language.shared import HITS, PARTICLES, Retraction, strip_leading, strip_particles

_OWN_POST = re.compile(r"我[^把]{0,4}?发的")  # '我刚才发的消息': the sender's own post
# '我知道怎么退订，只是暂时不想退': the way known, not used (not '我不知道怎么退订')
_KNOWS_HOW = re.compile(r"(?:^|[^不没])(?:知道|晓得|懂得|清楚|会)(?:怎么|如何|咋|怎样|在哪)|我(?:都|也)?会(?:弄|操作|设置|搞)")


class _Letters:
    """A word list read by its letters: could any of its words stand in a text made only of these characters? A
    necessary test, not a search: removing words from a text or replacing some by others can join a word that was not
    there, never bring in a character that was not (but for the replacement's own, given as `added`)."""

    def __init__(self, words, added: str = "") -> None:
        needs = {frozenset(w) - frozenset(added) for w in words}
        shared = Counter(ch for need in needs for ch in need)
        self.by_letter: dict[str, list[frozenset[str]]] = {}
        for need in sorted(needs, key=sorted):
            # each word filed under one letter it needs (its least shared one, so a text looks at few words); a word
            # made only of the added letters can always be made, and is filed under '' (always looked at)
            key = min(need, key=lambda ch: (shared[ch], ch)) if need else ""
            self.by_letter.setdefault(key, []).append(need)

    def possible(self, letters: set[str]) -> bool:
        """Could a word of the list be spelled with these letters?"""
        return any(need <= letters for key in (letters | {""}) & self.by_letter.keys() for need in self.by_letter[key])


class OptOut:
    """Does a private message ask to be left alone (or to come back)?"""

    def __init__(self, cues: Cues, scope: Scope) -> None:
        self.scope = scope
        self.retracted = Retraction(cues, scope)
        self.optout_words = cues.words("optout", "words")
        self.optout_stop = cues.words("optout", "stop")
        self.optout_send_group = cues.words("optout", "send")
        self.optout_send = Words([*self.optout_send_group, *cues.words("optout", "send_private")])
        self.optout_soft = cues.words("optout", "soft_stop")
        self.optout_again = cues.words("optout", "again")
        self.optout_after = cues.words("optout", "after_send")
        self.optout_after_again = cues.words("optout", "after_send_again") + self.optout_after
        self.optout_between = cues.words("optout", "between")
        self.optout_others = cues.words("optout", "others")
        self.optout_keep = cues.words("optout", "keep")
        self.optout_compounds = cues.words("optout", "compounds")
        self.optout_have = cues.words("optout", "have")
        self.optout_polite = cues.words("optout", "polite")
        self.optout_alone = cues.words("optout", "alone")
        self.optout_wants = cues.words("optout", "wants")
        self.optout_ads = cues.words("optout", "ads")
        self.optout_refuse = cues.words("optout", "refuse")
        self.optout_flooded = cues.words("optout", "flooded")
        self.optout_addressee = cues.words("optout", "addressee")
        self.optout_annoyed = cues.words("optout", "annoyed")
        self.optout_decline = cues.words("optout", "decline")
        self.optout_almost = cues.words("optout", "almost")
        self.resubscribe_words = cues.words("resubscribe")
        self.optout_marketing = cues.words("optout", "marketing")
        self.optout_ba_named = Words([*self.optout_marketing, *cues.words("optout", "ba_named")])
        # what a group message must hold for optout() to say yes (its private-only ways aside): an opt-out word, a
        # stop and a verb of sending, 把 and a halt, or what is no longer wanted - letters only, since the clause read
        # may lose words (optout_wants) or have some replaced by '给我' (optout_proxied)
        self._group_needs = _Letters([*self.optout_words, *("把" + h for h in cues.words("optout", "ba_halt")),
                                      *cues.words("optout", "unwanted")], added="给我")
        self._group_stops = _Letters(self.optout_stop, added="给我")
        self._group_sends = _Letters(self.optout_send_group, added="给我")
        kin = cues.words("optout", "proxy_kin")
        # '替我母亲回复的', '这个号是我奶奶的': written for an elder; '给她', '给我母亲' are then the sender's own
        self.optout_proxy = Words([*cues.words("optout", "proxy"),
                                   *(f + k for f in cues.words("optout", "proxy_for") for k in kin)])
        self.optout_proxied = Words([*cues.words("optout", "proxied"), *("给" + k for k in kin), *("给我" + k for k in kin)])
        self.optout_alone_polite = cues.words("optout", "alone_polite")
        self.optout_muted = Words(s + m for s in cues.words("optout", "muted_by") for m in cues.words("optout", "muted"))
        self.optout_ba_halt = cues.words("optout", "ba_halt")
        self.optout_keep_course = cues.words("optout", "keep_course")
        self.less = cues.words("question", "less")
        self.optout_pause = cues.words("optout", "pause")
        self.optout_pause_for = cues.words("optout", "pause_for")
        self.optout_send_named = cues.words("optout", "send_named")
        self.conditional = cues.words("optout", "conditional")
        self.complaint_leads = cues.words("question", "complaint_leads")
        self.exasperated = cues.words("question", "exasperated")
        self.optout_back = cues.words("optout", "back")
        self.optout_read_out = cues.words("optout", "read_out")
        self.optout_unwanted = cues.words("optout", "unwanted")
        self.optout_unwanted_of = tuple(cues.words("optout", "unwanted_of"))
        self.optout_how = cues.words("optout", "how")
        self.optout_how_means = cues.words("optout", "how_means")
        self.optout_how_purpose = cues.words("optout", "how_purpose")
        self.optout_unreceive = cues.words("optout", "unreceive")
        self.optout_how_bare = cues.words("optout", "how_bare")
        self.optout_cant_stop = cues.words("optout", "cant_stop")
        self.optout_request_leads = cues.words("optout", "request_leads")
        self.optout_kept = cues.words("optout", "kept")
        self.optout_muted_words = cues.words("optout", "muted")
        self.optout_how_ways = cues.words("optout", "how_ways")
        self.optout_how_others = cues.words("optout", "how_others")
        self.optout_how_only = Words([*self.optout_how, *self.optout_how_means, *self.optout_how_purpose, *self.optout_unreceive,
                                      *self.optout_how_bare, *self.optout_words, *self.optout_how_ways, *self.optout_stop,
                                      *self.optout_send, *self.optout_marketing, *self.optout_between, *self.optout_addressee,
                                      *self.optout_polite, *self.optout_wants, *self.conditional, *self.optout_alone_polite,
                                      *cues.words("optout", "how_fillers")])
        self.optout_how_halt = cues.words("optout", "how_halt")
        self.optout_halt_only = Words([*self.optout_how_only, *self.optout_how_halt, *self.optout_ba_named])
        self.optout_threats = cues.words("optout", "threats")
        self.optout_instead = cues.words("optout", "instead")
        self.optout_phone = cues.words("optout", "phone")
        self.optout_footers = cues.words("optout", "footers")
        self.optout_notice = cues.words("optout", "notice")
        self.optout_purchases = cues.words("optout", "purchases")
        self.optout_sent_named = cues.words("optout", "sent_named")
        relatives = cues.words("optout", "relatives")
        self.optout_differs = cues.words("optout", "differs")
        # '我妈说别再给她发这些了', '我老公让我跟你说…': a relative's wish relayed
        self.optout_relayed = Words(p + k + s for p in ("", "我", "我家") for k in relatives
                                    for s in cues.words("optout", "relay_says"))

    def optout(self, parts: list[Clause], private: bool = True) -> bool:
        """'退订' / 'TD' / '请帮我退订，谢谢' / '不要再给我发优惠信息了'; not '退订了还能上课吗？'."""
        if not private and not any(self._may_say_stop(c.text) for c in parts):
            return False  # ordinary chat (most of a group's messages): none of what a yes below needs is there
        if self.retracted(parts) or any(self.optout_back.within(c.text) and self.scope.asks(c) for c in parts):
            return False  # '我退订了，现在又想听课，怎么恢复？': asks to come back
        if self.resubscribe(parts):
            return False  # '之前说的退订作废，还是给我发吧': an opt-out withdrawn, to be sent again
        if self._keeping(parts):
            return False  # '不想收推送 但是还想继续上课 可以吗': asks whether it can be had
        if any(self.optout_kept.within(c.text) for c in parts):
            return False  # '退订那个短信我回过了，微信这边留着吧': this channel kept
        if any(self.optout_instead.within(c.text) for c in parts[1:]) and not any(
                self.optout_words.within(c.text) for c in parts):
            return False  # '别给我打电话了，有事微信说': one channel stopped, another offered instead
        if private and any(self._how_to_stop(parts, i) or self._asked_halt(c.text) or self._how_halt(parts, i)
                           for i, c in enumerate(parts)):
            return True  # '怎么退订', '这个号的消息能关掉吗': the wish to stop, said as a question
        if private and self._to_us(parts):
            return True
        proxy = any(self.optout_proxy.within(c.text) for c in parts) or any(
            self._relay_only(c.text) and any(self.optout_proxied.within(d.text) for d in parts[i + 1:i + 3])
            for i, c in enumerate(parts[:-1])) and not self._differs(parts)  # '我是帮我妈妈回的，…请不要再给她发了'
        for i, clause in enumerate(parts):
            text = self.optout_proxied.sub(text=clause.text, by="给我") if proxy else clause.text
            relay = self.optout_relayed.spans(text)[:1]
            if relay and (self.optout_proxied.within(text[relay[0][1]:]) or "给我" in text[relay[0][1]:]) and not self._differs(parts):
                # '我妈说别再给她发这些了': the relative's own wish about them, passed on (not '我妈说她朋友退订了',
                # '我老伴说要退订，我没同意')
                text = self.optout_proxied.sub(text=text[relay[0][1]:], by="给我")
            if self._footer(text, parts, i):
                continue  # '【XX银行】您尾号8823的账户入账500元。回复TD退订': a third party's notice, its footer
            if self.optout_keep.within(text) or self.optout_compounds.within(text) or self.optout_almost.within(text) or (
                    not proxy and self.optout_others.within(text)) or self._hypothetical(text) or self._muted(text):
                continue  # '如果我取消订阅，…还能看吗': a hypothetical
            if self.optout_pause.within(text) and (not self.optout_marketing.within(text) or any(
                    self.optout_pause_for.within(c.text) for c in parts)):
                continue  # '先别发，我在开车', '先别发': a pause for a while, or of what is not named
            if _KNOWS_HOW.search(text):
                continue  # '我知道怎么退订，只是暂时不想退': knowing how is no wish
            if self.optout_read_out.within(text) and self._read_out(text):
                continue  # '短信后面写着“回T退订”': read out, not said
            text = self.optout_wants.removed(text) if self.optout_wants.within(text) else text
            polite = self.optout_polite.within(text)
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            # '退订 是什么', 'TD？什么意思': a short question right after asks about the word
            asks = self.scope.asks(clause) or (nxt is not None and len(nxt.text) <= 5 and self.scope.asks(nxt)
                                               and any(w in nxt.text for w in ("什么", "啥", "怎么", "哪", "意思")))
            if i and not asks and parts[i - 1].text and self.scope.question_words.removed(parts[i - 1].text) == "":
                asks = True  # 'zenme tuiding', '怎么 退订': a question word alone just before asks about it
            words = self.optout_words.spans(text)
            if (words or "订阅" in text) and self.optout_purchases.within(text) and not self.optout_sent_named.within(text):
                continue  # '我把基金退订了', '定投计划我取消订阅了': a purchase cancelled (not '退订保险广告')
            if words and (polite or not asks):
                said = self.optout_addressee.removed(text)  # '投诉你们骚扰': 你们 is who they write to
                kept = self.optout_words.spans(said)
                threat = kept and said.startswith("再", kept[0][0])  # '如果再发我就投诉': its 如果 is the threat's
                if polite or threat or (kept and self.scope.affirms(Clause(said), *kept[0])):
                    return True
            if private and self._threat(text):
                return True  # '再给我发这些我就报警了'
            if not asks and (self._stop_sending(text, parts[i + 1:], private) or self._halted(text) or self._unwanted(text)):
                return True
        return False

    def _may_say_stop(self, text: str) -> bool:
        """Could a group clause be an opt-out by optout()'s loop? Its letters hold an opt-out word, 把 and a halt, what is
        no longer wanted, or a stop and a verb of sending (the only ways that loop says yes in a group)."""
        letters = set(text)
        return self._group_needs.possible(letters) or (
            self._group_stops.possible(letters) and self._group_sends.possible(letters))

    def _relay_only(self, text: str) -> bool:
        """'我老公讲了，别给他推这些理财广告了': a clause that only says a relative said it; what follows is theirs."""
        relay = self.optout_relayed.spans(text)[:1]
        return bool(relay) and relay[0][0] == 0 and strip_particles(text[relay[0][1]:], self.optout_after) == ""

    def _differs(self, parts: list[Clause]) -> bool:
        """'我老婆说别给她发消息，…但我爱看', '我老伴说要退订，我没同意': the sender's own wish differs from the one relayed."""
        return any(self.optout_differs.within(c.text) for c in parts[1:])

    def _footer(self, text: str, parts: list[Clause], i: int) -> bool:
        """'【XX银行】您尾号8823的账户入账500元。回复TD退订': an SMS footer, in a message whose other clause is a third
        party's notice (an account, a parcel, an order, a link) - pasted or forwarded, not said."""
        if not self.optout_footers.within(text):
            return False
        rest = self.optout_footers.removed(text)
        return any(self.optout_notice.within(c.text) for j, c in enumerate(parts[:12]) if j != i) or \
            self.optout_notice.within(rest)

    def _read_out(self, text: str) -> bool:
        """'你们短信后面写着“回T退订”', '提示回复TD退订': the opt-out words come after one that reads a text out."""
        first = self.optout_words.spans(text)[:1] or self.optout_alone.spans(text)[:1]
        return bool(first) and self.optout_read_out.within(text[:first[0][0]])

    def _unwanted(self, text: str) -> bool:
        """'不再需要相关信息', '以后不需要这些推送了': what is sent, no longer wanted (said of all of it, with nothing
        after it) - not '不需要这些资料了' (one thing, not marketing), '不想收这个红包'."""
        for s, e in self.optout_unwanted.spans(text)[:HITS]:
            rest = strip_leading(text[e:], self.optout_unwanted_of)
            named = next((w for w in self.optout_marketing if rest.startswith(w) and len(w) >= 2), None)
            if named is None or named in ("这些", "这类", "这种", "那些", "那类", "那种", "此类", "任何", "东西", "打扰"):
                continue
            if strip_particles(rest[len(named):], self.optout_after) == "" and self.scope.affirms(Clause(rest), 0, 0):
                return True
        return self._unwanted_first(text)

    def _unwanted_first(self, text: str) -> bool:
        """'消息我不想收了', '推送我真的不需要了': what is sent named first, then no longer wanted, and nothing after."""
        found = self.optout_unwanted.spans(text)[:1]
        if not found or strip_particles(text[found[0][1]:], self.optout_after) != "":
            return False
        before = text[:found[0][0]]
        for w in ("我", "真的", "实在", "是", "都", "也", "就", "再也", "已经", "现在", "以后"):
            before = before.replace(w, "")
        named = strip_leading(before, self.optout_unwanted_of)
        return len(named) >= 2 and named in self.optout_marketing and named not in (
            "这些", "这类", "这种", "那些", "那类", "那种", "此类", "任何", "东西", "打扰", "课程", "产品", "商品", "券")

    def said_as_question(self, parts: list[Clause], i: int) -> bool:
        """In an opt-out, is clause i the opt-out itself said as a question - how to stop ('怎么退订', '我想退订，但是不知道
        怎么操作') or a request asked ('能帮我退订吗', '这个号的消息能关掉吗')? The relay then has nothing to forward."""
        if self._how_to_stop(parts, i) or self._asked_halt(parts[i].text) or self._how_halt(parts, i) or \
                self.optout([parts[i]]):
            return True
        # '退订？怎么退？': the opt-out named, asked, then how to do it
        return i + 1 < len(parts) and self.optout_how_only.removed(parts[i].text).replace(" ", "") == "" and \
            self._how_to_stop(parts, i + 1)

    def _how_to_stop(self, parts: list[Clause], i: int) -> bool:
        """'怎么退订', '退订是在哪里操作', '怎么设置才能收不到你们的消息', '怎么关闭消息提醒', '退订？怎么退？': asks how to
        stop - the wish to stop said as a question. Not how to stop a fund plan ('定投怎么停止'), why nothing comes ('怎么
        收不到消息了'), how to mute the phone ('怎么设置免打扰'), a hypothetical ('如果不想收推送要怎么弄') or another's
        ('我朋友想退订，怎么操作')."""
        text = parts[i].text
        means = self.optout_how_means.within(text)
        if not means and not self.optout_how.within(text):
            return False
        if self._aside(text) or self.optout_back.within(text):
            return False
        rest = self.optout_how_means.removed(self.optout_how.removed(text))
        if self.optout_how_only.removed(text).replace(" ", "") == "" and (
                self.optout_words.within(self.optout_compounds.removed(rest)) or self.optout_how_ways.within(rest)
                or self._stop_sending(rest, parts[i + 1:]) or self._halted(rest) or self._unreceiving(text, means)):
            return True  # and nothing else asked ('退订了还怎么上课' asks about the course)
        if i and self.optout_how_bare.removed(rest) == "":  # '我想退订，但是不知道怎么操作': how to do what was just said
            before = parts[i - 1].text
            if self._aside(before) or self.optout_back.within(before):
                return False
            wish = self.optout_wants.removed(before) if self.optout_wants.within(before) else before
            return self.optout_words.within(wish) or self._stop_sending(wish, []) or self._halted(wish) or (
                self.optout_cant_stop.within(wish) and self.optout_marketing.within(wish))
        return False

    def _how_halt(self, parts: list[Clause], i: int) -> bool:
        """'消息太多了，怎么关掉？', '这些消息怎么屏蔽掉', '推送太频繁了，在哪里关？': how to turn off what is sent, named in
        the clause or the one before, and nothing else asked - not '定投扣款太频繁了，怎么关掉？' (nothing sent named),
        '我朋友的推送怎么关' (another's)."""
        text = parts[i].text
        if not (self.optout_how.within(text) or self.optout_request_leads.within(text)) or \
                not self.optout_how_halt.within(text) or self._aside(text) or \
                any(self.optout_phone.within(c.text) for c in parts[max(0, i - 1):i + 1]):
            return False
        if self.optout_halt_only.removed(text).replace(" ", "") != "":
            return False
        if self.optout_ba_named.within(text):
            return True
        before = parts[i - 1].text if i else ""
        named = self.optout_ba_named.within(before) or self.optout_send.within(before)  # '每天都推，能关吗'
        return named and not self._aside(before) and not self.scope.asks(parts[i - 1]) \
            and not self.optout_back.within(before)

    def _threat(self, text: str) -> bool:
        """'再给我发这些我就报警了', '再推销我就投诉你们': sending again, then 就 and what the sender will do."""
        again = text.find("再")
        if again < 0 or not self.optout_send.within(text[again:again + 8]):
            return False
        then = text.find("就", again)
        return then > 0 and self.optout_threats.within(text[then:then + 6]) and not self.conditional.within(text[:again])

    def _aside(self, text: str) -> bool:
        """Not the sender's own wish to stop: another's, muting on their phone, kept, or almost ('如果不想收推送要怎么弄'
        asks how all the same)."""
        return self.optout_others.within(text) or self.optout_how_others.within(text) or self.optout_keep.within(text) or \
            self.optout_muted_words.within(text) or self.optout_almost.within(text) or _KNOWS_HOW.search(text) is not None

    def _unreceiving(self, text: str, means: bool) -> bool:
        """'怎么设置才能收不到你们的消息', '有什么办法不再收到你们的消息': how (then a purpose) then nothing received, with
        what is sent named - not '怎么收不到消息了' (why nothing comes)."""
        found = self.optout_unreceive.spans(text)[:1]
        if not found or not self.optout_marketing.within(text):
            return False
        before = text[:found[0][0]]
        how = self.optout_how_means.spans(before)[:1] if means else self.optout_how.spans(before)[:1]
        if not how:
            return False
        return means or self.optout_how_purpose.within(before[how[0][1]:]) or before.endswith(tuple(self.optout_how_purpose))

    def _asked_halt(self, text: str) -> bool:
        """'这个号的消息能关掉吗', '这边的消息麻烦停掉', '能帮我把消息提醒关了吗': what is sent named, then asked stopped -
        not the sender's own doing ('消息我已经关了'), nor '定投能停掉吗' (nothing sent named)."""
        halts = self.optout_ba_halt.spans(text)[:1]
        if not halts or strip_particles(text[halts[0][1]:], self.optout_after) != "":
            return False
        named = text[:halts[0][0]]
        if not self.optout_request_leads.within(named):
            return False
        if "把" in named:
            return self._halted(text)
        if not self.optout_ba_named.within(named) or _OWN_POST.search(named) or self._aside(named) or \
                self.conditional.within(named):
            return False
        return "我" not in self.optout_polite.removed(named).replace("我的", "").replace("我这", "") and "已经" not in named

    def _keeping(self, parts: list[Clause]) -> bool:
        """'不想收推送 但是还想继续上课 可以吗': the course kept besides, and the message asks whether that can be."""
        if not any(self.optout_keep_course.within(c.text) for c in parts):
            return False
        last = parts[-1]
        return self.scope.asks(last) or self.scope.core(last.text) in self.scope.demand_tags

    def _muted(self, text: str) -> bool:
        """'我设成免打扰了', '我已经开了免打扰': the sender muted the chat on their side - told, not asked (not '请把我设成
        免打扰')."""
        return self.optout_muted.within(text) and "把我" not in text and not self.optout_polite.within(text)

    def _halted(self, text: str) -> bool:
        """'先把我的推送停了吧', '帮我把广告推送取消掉': 把, what is sent, then stopped - asked of the account (not '我把
        闹钟关了': the sender's own doing)."""
        ba = text.find("把")
        if ba < 0 or not self.optout_ba_halt.within(text[ba:]):
            return False
        halt = self.optout_ba_halt.spans(text[ba:])[0]
        named = text[ba + 1:ba + halt[0]]
        if not self.optout_ba_named.within(named) or _OWN_POST.search(named) or strip_particles(
                text[ba + halt[1]:], self.optout_after) != "":
            return False  # not '把我刚才发的消息删掉' (the sender's own post)
        return "我" not in self.optout_polite.removed(text[:ba])  # '我已经把推送关了': done by the sender

    def _hypothetical(self, text: str) -> bool:
        """'如果我取消订阅', '要是取消推送了' - not a threat ('如果再发我就投诉', '要是再发就拉黑')."""
        return self.conditional.within(text) and not any(
            text.startswith("再", s) for s, _ in self.optout_words.spans(text)[:HITS])

    def _to_us(self, parts: list[Clause]) -> bool:
        """Said to the account in a private chat ('T', 'STOP STOP', '天天发烦死了', '你们的推送我不想看'); in a group
        these are about other members' posts."""
        bare = "".join(c.text for c in parts).replace(" ", "")
        if self.optout_alone_polite.within(bare):  # 'stop pls', 'T 谢谢': a polite word around it
            bare = self.optout_alone_polite.removed(bare)
        if not bare.isascii() and strip_particles(bare, PARTICLES).isascii():
            bare = strip_particles(bare, PARTICLES)  # 'T了', 'td啦' (not '停了': what stopped?)
        if bare in self.optout_alone or any(len(bare) % len(w) == 0 and bare == w * (len(bare) // len(w))
                                            for w in self.optout_alone if bare.startswith(w)):
            return True  # 'T', 'stop', '停', 'STOP STOP'
        return self._fed_up(parts) or self._refused(parts)

    def _fed_up(self, parts: list[Clause]) -> bool:
        """'天天发烦死了', '广告太多了，烦不烦': fed up, with what is sent named - not '烦死了这基金又跌了'."""
        if not any(self.optout_annoyed.within(c.text) for c in parts):
            return False
        return any((self.optout_send.within(c.text) or self.optout_marketing.within(c.text))
                   and (not self.scope.asks(self.unannoyed(c)) or self.complains(c, parts) or self.less.within(c.text))
                   and not self.optout_others.within(c.text) for c in parts)  # '能不能少发点，烦死了': fed up, not asking

    def unannoyed(self, clause: Clause) -> Clause:
        """The clause without its exasperation ('天天发有意思吗？' -> '天天发'): a rhetorical question asks nothing."""
        if not self.optout_annoyed.within(clause.text):
            return clause
        return Clause(self.optout_annoyed.removed(clause.text), False, clause.spaced)

    def _refused(self, parts: list[Clause]) -> bool:
        """'你们的推送我不想看', '推送太多了，取消吧', '拒绝营销': the marketing named and refused; '消息太多了，帮我取消吧':
        the messages complained of as too many name what is sent (取消 with no object then stops them)."""
        if not any(self.optout_ads.within(c.text) or self.optout_flooded.within(c.text) for c in parts):
            return False
        if any(self.scope.asks(c) or self.optout_others.within(c.text) for c in parts):
            return False
        return any(self.optout_refuse.within(self._indifferent(c.text)) for c in parts)

    def _indifferent(self, text: str) -> str:
        """The text without what is said not to matter ('推送看不看都一样' -> '推送_'): indifference refuses nothing."""
        return self.scope.indifferent(text)

    def _stop_sending(self, text: str, later: list[Clause], private: bool = True) -> bool:
        """'不要再给我发优惠信息了', '别再推送了', '别发了', '不用再发了' - not '不用发我资料了', '不用发了', '别急着发',
        '别发了，我都存下来了'."""
        stops = self.optout_stop.spans(text)[:HITS]
        marketing = self.optout_marketing.within(text) if stops else False
        send = self.optout_send if private else self.optout_send_group
        for s, e in send.spans(text)[:HITS] if stops else ():
            stop = next((st for st in reversed(stops) if st[1] <= s), None)  # each verb with the nearest stop before it
            if stop is None or (not marketing and text[s:e] in self.optout_send_named):
                continue  # '别叫我了': 叫我 stops sending only with what is sent named ('以后有活动都别叫我了')
            gap = text[stop[1]:s]
            if self.optout_between.removed(gap) != "" and (not marketing or self.optout_marketing.removed(
                    self.optout_between.removed(gap)) != ""):  # '请取消那些活动通知': what is sent may stand between
                continue  # '别急着发', '我删除了老师发的消息'
            if marketing:
                return True
            have = any(self.optout_have.within(c.text) for c in later)  # '资料不用再发给我了，我有了': that one thing
            if not have and (self.optout_decline.within(text) or any(self.optout_decline.within(c.text) for c in later)):
                return True  # '别再给我发课程了，我不学了'
            again = self.optout_again.within(gap) or self.optout_again.within(text[:stop[0]])  # '以后不用发给我了'
            if strip_particles(text[e:], self.optout_after_again if again else self.optout_after) != "":
                continue  # '别再发给我了' - not '您别发给我了，直接发群里吧'
            soft = text[stop[0]:stop[1]] in self.optout_soft
            if (again and not have) or (not soft and not have):
                return True
        return False

    def resubscribe(self, parts: list[Clause]) -> bool:
        """'恢复订阅'."""
        return any(self._resumed(c.text) and not self.scope.asks(c) for c in parts)

    def _resumed(self, text: str) -> bool:
        """'恢复订阅', '继续发吧' - not after a stop ('别继续发吧', '不要照常发')."""
        found = self.resubscribe_words.spans(text)[:1]
        return bool(found) and not self.optout_stop.within(text[:found[0][0]])

    def complains(self, clause: Clause, parts: list[Clause]) -> bool:
        """'股市怎么又跌了，真是服了', '怎么还在发？我上次就说了不要了': 怎么又 with exasperation said, not asked."""
        return self.complaint_leads.within(clause.text) and any(
            self.exasperated.within(c.text) or self.optout_annoyed.within(c.text) for c in parts)
