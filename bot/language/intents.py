"""The rituals' intents other than the hometown: check-in, practice, graduation, opt-out, question."""
from __future__ import annotations

import re

from bot.language.clauses import Clause
from bot.language.cues import Cues
from bot.language.normalize import CAP, DONE
from bot.language.places import Gazetteer
from bot.language.scope import Scope

_DAY = re.compile(r"^(?:day|d|第)?\s*[0-9一二三四五六七八九十]{1,2}\s*天?$|^(?:今天|今日|day)$")
_PARTICLES = ("了", "啦", "咯", "喽", "哦", "哈", "呀", "啊", "嘛", "哒")
_HITS = 8  # a keyword's first occurrences in a clause are read: linear time however often a message repeats it


def _strip_particles(text: str, particles: tuple[str, ...]) -> str:
    """The text without trailing particles, repeatedly ('给我了谢谢' -> '')."""
    changed = True
    while text and changed:
        changed = False
        for p in particles:
            if text.endswith(p):
                text, changed = text[: -len(p)], True
                break
    return text


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e or (s < end and start < e) for s, e in spans)


class Intents:
    """Recognisers over clauses; each answers only what it is sure of."""

    def __init__(self, cues: Cues, scope: Scope, places: Gazetteer) -> None:
        self.scope = scope
        self.checkin_words = cues.words("checkin", "words")
        self.checkin_compounds = cues.words("checkin", "compounds")
        self.subjects = cues.words("practice", "subjects")
        self.done = cues.words("practice", "done")
        self.practice_compounds = cues.words("practice", "compounds")
        self.graduation_words = cues.words("graduation", "words")
        self.graduation_compounds = cues.words("graduation", "compounds")
        self.graduation_leads = cues.words("graduation", "leads")
        self.graduation_particles = cues.words("graduation", "particles")
        self.graduation_others = cues.words("graduation", "others")
        self.graduation_wishes = cues.words("graduation", "wishes")
        self.graduation_self = cues.words("graduation", "self")
        self.optout_words = cues.words("optout", "words")
        self.optout_stop = cues.words("optout", "stop")
        self.optout_send = cues.words("optout", "send")
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
        self.optout_addressee = cues.words("optout", "addressee")
        self.optout_annoyed = cues.words("optout", "annoyed")
        self.optout_decline = cues.words("optout", "decline")
        self.resubscribe_words = cues.words("resubscribe")
        self.landmarks = cues.words("checkin", "landmarks")
        self.contexts = cues.words("checkin", "contexts")
        self.optout_marketing = cues.words("optout", "marketing")
        self.greetings = cues.words("question", "greetings")
        self.forwarded = cues.words("question", "forwarded")
        self.retract = cues.words("scope", "retract")
        self.places = places  # a place right before 打卡 is a visit ('故宫打卡')

    def retracted(self, parts: list[Clause]) -> bool:
        """'打卡……算了明天吧', '上次说退订是开玩笑的': the message takes itself back."""
        return any(self.retract.within(c.text) for c in parts)

    def _keyword(self, parts: list[Clause], words: tuple[str, ...], compounds: tuple[str, ...], visit: bool = False) -> bool:
        for clause in parts:
            found = words.spans(clause.text)[:_HITS]
            if not found:
                continue
            blocked = compounds.spans(clause.text)
            text = self.scope.clean(clause.text) if visit else clause.text
            visited = self._visited(text) if visit else len(text)
            for start, end in found:
                if visit and (start >= visited or text.endswith(self.landmarks, 0, start)):
                    continue
                if not _inside(blocked, start, end) and self.scope.affirms(clause, start, end):
                    return True
        return False

    def _visited(self, text: str) -> int:
        """Where a keyword starts to name a visit: after a place or another context ('在西安大雁塔打卡了',
        '去长沙茶颜悦色打卡', '上班打卡'; a landmark right before it, '故宫打卡', is checked at the keyword)."""
        places = self.places.find(text)
        return min(self.contexts.first_end(text, len(text)), places[0].end if places else len(text))

    def checkin(self, parts: list[Clause]) -> bool:
        """'打卡' / 'Day2打卡' / '已打卡' / a lone ✅; not '还没打卡', '打卡在哪里打', '上班打卡'."""
        rest = [c.text.replace(DONE, "") for c in parts]
        if any(DONE in c.text for c in parts) and all(r == "" or _DAY.match(r) for r in rest):
            return True  # '✅', 'Day3 ✔️', 'Day 2 ✅'
        return not self.retracted(parts) and self._keyword(parts, self.checkin_words, self.checkin_compounds, visit=True)

    def practice(self, parts: list[Clause]) -> bool:
        """'实操完成' / '作业已交' / '已完成实操' / '实操搞定✌️'; not '实操怎么做', '实操完成不了'."""
        if self.retracted(parts):
            return False
        for i, clause in enumerate(parts):
            subjects = self.subjects.spans(clause.text)
            compounds = self.practice_compounds.spans(clause.text) if subjects else []
            if not subjects or _inside(compounds, *subjects[0]):
                continue
            done = [(s, e) for s, e in self.done.spans(clause.text)[:_HITS] if not _inside(compounds, s, e)]
            if done:
                if any(self.scope.affirms(clause, s, e) for s, e in done):
                    return True
                continue
            if self.scope.asks(clause) or not self.scope.affirms(clause, 0, 0):
                continue
            # '实操 ✅', '实操：已开户并买入100元', '实操：定投设置完成': the subject heads, a later clause says done
            for later in parts[i + 1:i + 4]:
                tail = _strip_particles(later.text, _PARTICLES)[-12:]  # '定投计划设置好了'
                leads = later.text.startswith("已") or any(s == 0 for s, _ in self.done.spans(later.text[:12])) or any(
                    e == len(tail) for _, e in self.done.spans(tail))
                if later.text == DONE or (leads and self.scope.affirms(later, 0, 0)):
                    return True
        return False

    def graduation(self, parts: list[Clause]) -> bool:
        """'我毕业啦' / '我毕业了！' / '毕业啦毕业啦🎉' / a lone 🎓; not '什么时候毕业', '北京大学毕业的'."""
        if parts and all(c.text.replace(CAP, "").replace(DONE, "") == "" for c in parts) and any(CAP in c.text for c in parts):
            return True  # '🎓', '🎉🎓✌️'
        texts = [Clause(c.text.replace(CAP, ""), c.asked) for c in parts]
        if not any("毕业" in c.text or self.graduation_words.within(c.text) or self.graduation_wishes.within(c.text)
                   for c in texts) or self.retracted(parts):
            return False
        for i, c in enumerate(texts):  # '我家孩子今年小升初，也算毕业了': a clause without 我 speaks of the one before
            if i and "我" not in c.text and self.graduation_others.within(self.scope.clean(texts[i - 1].text)):
                texts[i] = Clause("", c.asked)
        if any(self._said_alone(c) for c in texts):
            return True  # '我毕业', '今天我也终于毕业', '完美毕业✌️', '毕业罗'
        return self._self_wish(texts) or self._keyword(texts, self.graduation_words, self.graduation_compounds)

    def _said_alone(self, clause: Clause) -> bool:
        """The clause is only 毕业 with leads before it and particles after it ('终于毕业', '我也毕业喔')."""
        if clause.asked or "毕业" not in clause.text:
            return False
        text = _strip_particles(clause.text, self.graduation_particles)
        return text.endswith("毕业") and self.graduation_leads.removed(text[:-2]) == ""

    def _self_wish(self, texts: list[Clause]) -> bool:
        """'毕业快乐我自己', '祝自己毕业快乐', '毕业快乐，我自己' - not '祝大家毕业快乐', '提前祝自己毕业快乐'."""
        for i, c in enumerate(texts):
            nxt = texts[i + 1].text if i + 1 < len(texts) and len(texts[i + 1].text) <= 4 else ""
            said = Clause(c.text + nxt, c.asked)
            if self.graduation_wishes.within(c.text) and self.graduation_self.within(said.text) and self.scope.affirms(said, 0, 0):
                return True
        return False

    def optout(self, parts: list[Clause], private: bool = True) -> bool:
        """'退订' / 'TD' / '请帮我退订，谢谢' / '不要再给我发优惠信息了'; not '退订了还能上课吗？'."""
        if self.retracted(parts):
            return False
        if private and self._to_us(parts):
            return True
        for i, clause in enumerate(parts):
            text = clause.text
            if self.optout_keep.within(text) or self.optout_others.within(text) or self.optout_compounds.within(text):
                continue
            text = self.optout_wants.removed(text) if self.optout_wants.within(text) else text
            polite = self.optout_polite.within(text)
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            # '退订 是什么', 'TD？什么意思': a short question right after asks about the word
            asks = self.scope.asks(clause) or (nxt is not None and len(nxt.text) <= 5 and self.scope.asks(nxt)
                                               and any(w in nxt.text for w in ("什么", "啥", "怎么", "哪", "意思")))
            words = self.optout_words.spans(text)
            if words and (polite or not asks):
                said = self.optout_addressee.removed(text)  # '投诉你们骚扰': 你们 is who they write to
                kept = self.optout_words.spans(said)
                if polite or (kept and self.scope.affirms(Clause(said), *kept[0])):
                    return True
            if not asks and self._stop_sending(text, parts[i + 1:]):
                return True
        return False

    def _to_us(self, parts: list[Clause]) -> bool:
        """Said to the account in a private chat ('T', 'STOP STOP', '天天发烦死了', '你们的推送我不想看'); in a group
        these are about other members' posts."""
        bare = "".join(c.text for c in parts).replace(" ", "")
        if bare in self.optout_alone or any(len(bare) % len(w) == 0 and bare == w * (len(bare) // len(w))
                                            for w in self.optout_alone if bare.startswith(w)):
            return True  # 'T', 'stop', '停', 'STOP STOP'
        return self._fed_up(parts) or self._refused(parts)

    def _fed_up(self, parts: list[Clause]) -> bool:
        """'天天发烦死了', '广告太多了，烦不烦': fed up, with what is sent named - not '烦死了这基金又跌了'."""
        if not any(self.optout_annoyed.within(c.text) for c in parts):
            return False
        return any((self.optout_send.within(c.text) or self.optout_marketing.within(c.text)) and not self.scope.asks(c)
                   and not self.optout_others.within(c.text) for c in parts)

    def _refused(self, parts: list[Clause]) -> bool:
        """'你们的推送我不想看', '推送太多了，取消吧', '拒绝营销': the marketing named and refused."""
        if not any(self.optout_ads.within(c.text) for c in parts):
            return False
        if any(self.scope.asks(c) or self.optout_others.within(c.text) for c in parts):
            return False
        return any(self.optout_refuse.within(c.text) for c in parts)

    def _stop_sending(self, text: str, later: list[Clause]) -> bool:
        """'不要再给我发优惠信息了', '别再推送了', '别发了', '不用再发了' - not '不用发我资料了', '不用发了', '别急着发',
        '别发了，我都存下来了'."""
        stops = self.optout_stop.spans(text)[:_HITS]
        marketing = self.optout_marketing.within(text) if stops else False
        for s, e in self.optout_send.spans(text)[:_HITS] if stops else ():
            stop = next((st for st in reversed(stops) if st[1] <= s), None)  # each verb with the nearest stop before it
            if stop is None:
                continue
            gap = text[stop[1]:s]
            if self.optout_between.removed(gap) != "":
                continue  # '别急着发', '我删除了老师发的消息'
            if marketing:
                return True
            have = any(self.optout_have.within(c.text) for c in later)  # '资料不用再发给我了，我有了': that one thing
            if not have and (self.optout_decline.within(text) or any(self.optout_decline.within(c.text) for c in later)):
                return True  # '别再给我发课程了，我不学了'
            again = self.optout_again.within(gap) or self.optout_again.within(text[:stop[0]])  # '以后不用发给我了'
            if _strip_particles(text[e:], self.optout_after_again if again else self.optout_after) != "":
                continue  # '别再发给我了' - not '您别发给我了，直接发群里吧'
            soft = text[stop[0]:stop[1]] in self.optout_soft
            if (again and not (soft and have)) or (not soft and not have):
                return True
        return False

    def resubscribe(self, parts: list[Clause]) -> bool:
        """'恢复订阅'."""
        return any(self.resubscribe_words.within(c.text) and not self.scope.asks(c) for c in parts)

    def question(self, parts: list[Clause]) -> bool:
        """A private message that asks something ('请问怎么开户', '退订了还能上课吗？')."""
        if parts and parts[0].text.startswith(self.forwarded):
            return False  # '转发：基金定投的五个误区', '【分享】…': passed on, not asked
        return any(self.scope.asks(c) for c in parts if self.greetings.removed(self.scope.core(c.text)) != "")  # not "你好在吗"
