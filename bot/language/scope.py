"""Does a keyword in a clause really affirm it? Negation, question, plan, modal, failure and third party rule it out."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from bot.language.clauses import Clause
from bot.language.cues import Cues, Words


# '提醒啥的就不用发了', '优惠券什么的': closing a list (and such), not asking (not '是干啥的', '做什么的', '这是什么的链接')
_AND_SUCH = re.compile(r"(?<=[\u4e00-\u9fffa-z])(?<![是做干用为个些有])(?:啥的|什么的)")
# '值不值得', '买没买', '安全不安全' - not a refusal said twice ('不用了不用了', '没事没事', '不要不要')
_A_NOT_A = re.compile(r"(?<![不没别])([\u4e00-\u9fff]{1,2})(?<![了啦])[不没]\1")


def _unless_negated(words: Words, before: str = "不没") -> re.Pattern:
    """The words, where 不/没 (or another of `before`) does not come right before them."""
    return re.compile(f"(?<![{before}])(?:" + "|".join(map(re.escape, words)) + ")") if words else re.compile(r"(?!x)x")


def _alternation(words: Words) -> str:
    return "|".join(map(re.escape, words)) or r"(?!x)x"


PLAN_AFTER = 10  # how far after a keyword a plan word still speaks of it


_TO_YOU = ("给你", "给您", "发你", "发您", "交你", "交您", "私你", "私您")  # sent or handed to the advisor


@dataclass(frozen=True)
class Scope:
    """The scope words, read once from the cues."""

    harmless: Words
    negation: Words
    plan: Words
    modal: Words
    failure: Words
    third_party: Words
    question_words: Words
    not_questions: Words
    endings: Words
    not_endings: Words
    tag_endings: Words
    choice: Words
    choice_lead: Words
    choice_end: Words
    choice_not_after: Words
    vocatives: Words
    understood: Words
    unable: Words
    demands: Words
    demand_tags: Words
    demand_verbs: Words
    suggest: Words
    topics: Words
    not_topics: Words
    any_: Words
    knows: Words
    reported: Words
    connectives: Words
    sentence_ends: Words
    contrast: Words
    rhetorical: Words
    emotive: Words
    still: Words
    everyone: Words = Words(())
    regret: Words = Words(())
    surprise: Words = Words(())
    interjections: Words = Words(())
    concessive: Words = Words(())
    regret_verbs: Words = Words(())
    judged: Words = Words(())
    discovery: Words = Words(())
    past: Words = Words(())
    ignorant: Words = Words(())
    told: Words = Words(())
    how_nouns: Words = Words(())
    wonder: Words = Words(())
    wonder_asks: Words = Words(())
    addressees: Words = Words(())  # the group addressed after a question ('dk了吗姐妹们')
    devices: Words = Words(())  # '用老婆手机做的实操': another's phone used, the sender did it

    @classmethod
    def from_cues(cls, cues: Cues) -> "Scope":
        return cls(cues.words("scope", "harmless"), cues.words("scope", "negation"), cues.words("scope", "plan"),
                   cues.words("scope", "modal"), cues.words("scope", "failure"), cues.words("scope", "third_party"),
                   cues.words("question", "words"), cues.words("question", "not_questions"),
                   cues.words("question", "endings"), cues.words("question", "not_endings"),
                   cues.words("question", "tag_endings"), cues.words("question", "choice"),
                   cues.words("question", "choice_lead"), cues.words("question", "choice_end"),
                   cues.words("question", "choice_not_after"),
                   cues.words("question", "vocatives"), cues.words("question", "understood"),
                   cues.words("question", "unable"), cues.words("question", "demands"),
                   cues.words("question", "demand_tags"), cues.words("question", "demand_verbs"),
                   cues.words("scope", "suggest"), cues.words("question", "topics"),
                   cues.words("question", "not_topics"), cues.words("question", "any"), cues.words("question", "knows"),
                   cues.words("question", "reported"), cues.words("scope", "connectives"),
                   cues.words("scope", "sentence_ends"), cues.words("scope", "contrast"),
                   cues.words("question", "rhetorical"), cues.words("question", "emotive"),
                   cues.words("question", "still"), cues.words("question", "everyone"),
                   cues.words("question", "regret"), cues.words("question", "surprise"),
                   cues.words("question", "interjections"), cues.words("question", "concessive"),
                   cues.words("question", "regret_verbs"), cues.words("question", "judged"),
                   cues.words("question", "discovery"), cues.words("question", "past"),
                   cues.words("question", "ignorant"), cues.words("question", "told"), cues.words("question", "how_nouns"),
                   cues.words("question", "wonder"), cues.words("question", "wonder_asks"),
                   cues.words("scope", "addressees"), cues.words("scope", "devices"))

    @cached_property
    def _then(self) -> re.Pattern:
        """'我以前根本不懂什么是基金' (not knowing then), '我跟老公说了什么叫复利' (what was told): the question word
        that follows names a topic."""
        return re.compile(f"(?:(?:{_alternation(self.past)})[^?]{{0,4}}?(?:{_alternation(self.ignorant)})"
                          f"|(?<![你您])[跟给和向对][\u4e00-\u9fff]{{1,4}}?(?:{_alternation(self.told)})了(?:一下|一遍|下)?)"
                          f"(?:{_alternation(self.question_words)})?")

    @cached_property
    def _said(self) -> re.Pattern:
        """What has the shape of a question but says something: who (with an adverb) does not ('谁还不想发财呢':
        everyone does), regret ('我怎么早没想到', '怎么不早点来学'), surprise at a degree ('哇这么厉害吗', '这么多吗')."""
        return re.compile(
            f"谁[还又都也会能]{{0,2}}不(?:{_alternation(self.everyone)})"
            f"|(?:怎么|咋|为什么|为啥)(?:我们?|俺|咱)?(?:就|之前|以前|当初)?(?:{_alternation(self.regret)})"
            f"(?:{_alternation(self.regret_verbs)})"  # '为什么我没早点遇到这个课呢'
            f"|(?:怎么|咋|为什么|为啥)(?:就|之前|以前|当初)?没想到"
            f"|谁[还又都]?(?:能|会)[\u4e00-\u9fff]{{1,4}}?得(?:会|了|起|懂|住|完|过)[啊呀呢吧]?$"  # '谁能学得会啊': no one
            f"|(?:怎么|咋|哪)(?!才)[\u4e00-\u9fff]{{1,3}}?得(?:完|过来)[啊呀呢吧]?$"  # '消息这么多怎么看得完啊': no one could
            f"|不是[^?]{{1,12}}?了嘛$"  # '我今天不是把记账表做完了嘛': a reminder, said
            f"|^(?:{_alternation(self.interjections)})*(?:{_alternation(self.surprise)})"
            f"(?:(?!{_alternation(self.judged)})[\u4e00-\u9fff]){{1,3}}的?[吗么啊]$")

    @cached_property
    def _any(self) -> re.Pattern:
        """A question word, then within a few characters 都行 / 都可以 ('几点上课都行'): 'any', not a question."""
        # also A-not-A ('推送关不关都行', '发不发都无所谓'): indifference said, nothing asked
        # and 'whatever' said first ('随便你们发不发', '爱推不推')
        return re.compile(f"(?:{_alternation(self.question_words)}|(?P<ab>[\u4e00-\u9fff])[不没](?P=ab))[^?]{{0,6}}?"
                          f"(?:{_alternation(self.any_)})|(?:随便|随你们?|无所谓)[^?]{{0,4}}?(?P<ab2>[\u4e00-\u9fff])[不没](?P=ab2)"
                          f"|爱(?P<ab3>[\u4e00-\u9fff])不(?P=ab3)")

    def indifferent(self, text: str) -> str:
        """The text without what is said not to matter ('几点都行', '推送关不关都行', '爱推不推' -> '_')."""
        return self._any.sub("_", text) if self.any_.within(text) or "爱" in text else text

    @cached_property
    def _how_of(self) -> re.Pattern:
        """'怎么开户的步骤', '如何选基金的方法': a how-to named as a thing, not asked."""
        return re.compile(f"(?:怎么|如何|怎样)[^?没不还]{{1,8}}?的(?:{_alternation(self.how_nouns)})")

    @cached_property
    def _known(self) -> re.Pattern:
        """'知道哪个好了', '学了怎么选' - not after 不/没/想/谁 ('不知道怎么开户', '谁知道怎么开户')."""
        return re.compile(f"(?<![不没想谁太])(?:{_alternation(self.knows)})了?(?:该|应该|要|是)?(?:{_alternation(self.question_words)})")

    @cached_property
    def _known_topic(self) -> re.Pattern:
        """After a knows word, a topic then 是 + a question word ('搞懂基金是什么了', '知道复利是啥了')."""
        return re.compile(f"了?[\u4e00-\u9fff]{{1,4}}?是(?:{_alternation(self.question_words)})")

    def _known_of(self, text: str) -> str:
        """The text with '搞懂基金是什么' blanked where the sender says they know it (not '我想搞懂基金是什么')."""
        for start, end in self.knows.spans(text)[:8]:  # a keyword's first 8 hits, as everywhere (shared.HITS)
            found = self._known_topic.match(text, end)
            if found and not (start and text[start - 1] in "不没想谁太"):
                text = text[:start] + "_" * (found.end() - start) + text[found.end():]
        return text

    @cached_property
    def _not_questions(self) -> re.Pattern:
        """The not-question phrases, except right after 不/没/想 ('不知道怎么开户', '我想知道怎么查收益' ask,
        '知道怎么开户了' does not)."""
        return _unless_negated(self.not_questions, "不没想")

    @cached_property
    def _asks_over_not(self) -> Words:
        """Question words that hold a not-question phrase ('没怎么听懂' holds '没怎么'): the longer word is what is said."""
        return Words(w for w in self.question_words if any(n in w for n in self.not_questions if n != w))

    @cached_property
    def _understood(self) -> re.Pattern:
        return _unless_negated(self.understood)

    def core(self, text: str) -> str:
        """The clause without a trailing address ('在吗老师' -> '在吗', '要收手续费吗老师' -> '要收手续费吗', 'dk了吗姐妹们'
        -> 'dk了吗')."""
        text = text.rstrip("_") or text  # a harmless phrase blanked at the end ('…吗姐妹们') says nothing
        if self.addressees and text.endswith(self.addressees):
            word = next(w for w in self.addressees if text.endswith(w))
            text = text[: -len(word)] if len(text) > len(word) else text
        if text.endswith(self.vocatives):
            for word in self.vocatives:
                if text.endswith(word) and len(text) > len(word):
                    return text[: -len(word)]
        return text

    def glue(self) -> frozenset[str]:
        """Scope words that may stand apart from their verb ('还没 打卡')."""
        return frozenset(w for w in (*self.negation, *self.plan) if len(w) <= 2)

    def breaks(self) -> re.Pattern:
        """Where a long run-on fragment is cut: before a connective ('…打卡了然后实操也做完了'), after a particle that
        ends a sentence when words go on ('我是河南周口的啊在外面跑业务…')."""
        ends = "".join(sorted({w for w in self.sentence_ends if len(w) == 1})) or "\x00"
        return re.compile(f"(?={_alternation(self.connectives)})|(?<=[{re.escape(ends)}])(?=[\u4e00-\u9fff]{{3}})")

    def clean(self, text: str) -> str:
        """The clause with harmless phrases blanked ('没想到', '跟大家一起'), positions kept; and another's device the
        sender used ('用老婆手机', '借我女儿的电脑': who owns it did nothing)."""
        if self.harmless.within(text):
            for phrase in self.harmless:
                if phrase in text:
                    text = text.replace(phrase, "_" * len(phrase))
        if self.devices.within(text):
            text = self._borrowed.sub(lambda m: "_" * len(m.group()), text, count=2)
        return text

    @cached_property
    def _borrowed(self) -> re.Pattern:
        return re.compile(f"(?:用|借|拿|借用)了?(?:我|我家|俺|俺家)?[\u4e00-\u9fff]{{1,3}}?的?(?:{_alternation(self.devices)})(?:上|里)?")

    def asks(self, clause: Clause, text: str | None = None) -> bool:
        """A question: a question mark, a question word, a final 吗/么/嘛/不, or a choice ('存定期还是买理财好')."""
        text = clause.text if text is None else text
        core = self.core(text)
        if self.demands.within(text) or (core.endswith(self.demand_tags) and self.demand_verbs.within(core)):
            return False  # '能不能别再发了', '别再发广告了行吗': demands
        if core.endswith("嘛") and core.lstrip("你您们").startswith(tuple(self.demand_verbs)):
            return False  # '莫发了嘛', '别催了嘛': a demand coaxed, not asked
        if self.rhetorical.within(text) or ("不" in text and self._exclaims(text)) or self._said.search(core):
            return False  # '这年头钱哪有那么好赚的？', '你说气人不气人': said, not asked
        if not clause.asked and self.wonder.within(text):
            rest = text[self.wonder.spans(text)[0][1]:] if self.wonder.spans(text) else ""
            if not self.wonder_asks.within(rest):
                return False  # '哎，也不知道啥时候能攒够首付': wondering aloud (not '真不知道该买哪个')
        if self.reported.within(text):
            start = self.reported.spans(text)[0][0]
            if self.third_party.within(text[:start]):  # '我妈问我这是什么课？', '我老公问我天天抱着手机干嘛': her
                text, core, clause = text[:start], text[:start], Clause(text[:start])  # question, reported
        if clause.asked or (core.endswith(self.endings) and not core.endswith(self.not_endings)):
            return True
        if core.endswith("没有") and "有" in core[:-2].replace("没有", "") and not core.endswith(self.not_endings):
            return True  # '讲义有电子版没有'
        if self.understood.within(text) and self._understood.search(text):
            return False  # '区别我已经搞清楚了'
        if text.startswith(self.discovery) and not any(text.startswith(w + "的") for w in self.discovery):
            return False  # '原来怎么选基金有这么多讲究' (not '原来的课程什么时候结束')
        if (self.past.within(text) or self.told.within(text)) and not text.endswith("来着"):
            text = self._then.sub("_", text)
        if self.not_questions.within(text):
            if self._asks_over_not.within(text):
                return True  # '那节课我没怎么听懂' (not '课都没怎么听')
            text = self._not_questions.sub("_", text)
        if "的" in text:
            text = _AND_SUCH.sub("_", text)
        text = self.indifferent(text)
        if "的" in text and ("怎" in text or "如何" in text) and self.how_nouns.within(text):
            text = self._how_of.sub("_", text)
        if self.knows.within(text):
            text = self._known_of(self._known.sub("_", text))
        if self._topic(core):
            return True
        if self.unable.within(text) and not self.third_party.within(text):
            return True  # '我不太会用支付宝买基金'
        return self.question_words.within(text) or self._choice(text) or _A_NOT_A.search(text) is not None

    def _exclaims(self, text: str) -> bool:
        """'气人不气人', '离不离谱': a feeling said twice over is an exclamation ('值不值得' still asks)."""
        found = _A_NOT_A.search(text) if self.emotive.within(text) else None
        if found is None:
            return False
        word = found.group(1)  # '离不离谱': the feeling is 离谱, said as 离-不-离 and the rest after
        return word in self.emotive or any(e.startswith(word) and text.startswith(e[len(word):], found.end())
                                           for e in self.emotive if len(e) > len(word))

    def _topic(self, text: str) -> bool:
        """'定投和一次性买入的区别', '有啥不同' - not '没什么区别'."""
        text = text.rstrip("呢啊呀")
        if not text.endswith(self.topics):
            return False
        word = next(w for w in self.topics if text.endswith(w))
        rest = text[:-len(word)]
        return rest != "" and not rest.endswith(self.not_topics) or rest.endswith("的") and len(rest) > 2

    def _choice(self, text: str) -> bool:
        """'按周好还是按月好', '该补仓还是止损' - not '我还是先不买了', '还是老师讲得好', '但是卡还是打了' (the 是 of
        但是 leads no choice)."""
        found = self.choice.spans(text)
        if not found or found[0][0] == 0 or text.endswith(self.choice_not_after, 0, found[0][0]) and not text.endswith(
                _TO_YOU, 0, found[0][0]):  # '截图发给你还是发群里': 你 received, the first alternative's end
            return False
        if self.concessive.within(text[:found[0][0]]):
            return False  # '不管涨还是跌，我都坚持定投'
        if self.choice_lead.within(self.contrast.removed(text[:found[0][0]])) or text.endswith(self.choice_end):
            return True
        # '作业截图发群里还是私聊': a short alternative ends the clause (not '还是有用的', '还是不错', '还是挺难')
        other = text[found[0][1]:]
        if other.endswith(("呀", "啊")) and not other.startswith(("你", "您", "我", "他", "她", "这", "那")):
            other = other[:-1]  # '发群里还是私发你呀' (not '还是你讲得好呀')
        if found[0][0] >= 2 and 2 <= len(other) <= 8 and text.startswith(other[0]) and other[0] not in "你您我他她这那就也都还" \
                and not other.endswith(("的", "了", "吧", "啊", "呀", "啦", "哈")):
            return True  # '先还信用卡还是先定投', '买黄金还是买基金': two alternatives said alike
        if 2 <= len(other) <= 5 and other.endswith("的") and text.endswith("的", 0, found[0][0]) and found[0][0] >= 3 and \
                not other.startswith(self.still) and other[0] not in "你您我他她这那就也都还":
            return True  # '作业交纸质的还是电子的': two alternatives, each with its 的
        return 1 <= len(other) <= 6 and found[0][0] >= 2 and not other.startswith(self.still) and not other.endswith(
            ("的", "了", "吧", "啊", "呀", "啦", "哈"))

    def affirms(self, clause: Clause, start: int, end: int) -> bool:
        """Does the keyword at text[start:end] say that the sender did it, now?"""
        text = self.clean(clause.text)
        before, after = text[:start], text[end:]
        if self.contrast.within(before):  # '虽然很难但实操还是做完了': what is conceded before 但 does not negate
            before = before[self.contrast.spans(before)[-1][1]:]
        if self.asks(clause, text) or text.endswith(self.tag_endings):
            return False
        if text.endswith("吧") and self.suggest.within(text):
            return False  # '一起打卡吧'
        # a plan said around the keyword ('晚点打卡', '打卡明天补') - not one in a long run-on further on
        # ('打卡今天的课在开车的时候听的…回头再看看回放')
        if self.negation.within(before) or self.modal.within(before) or self.plan.within(text[:end + PLAN_AFTER]):
            return False
        if self.failure.within(after) or self.third_party.within(text):
            return False
        if after != clause.text[end:] and self.failure.within(clause.text[end:]):  # '打卡坚持不过三天' (不过 is no 'but')
            return False
        return True
