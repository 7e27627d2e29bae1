"""The rituals' intents other than the hometown: check-in, practice, graduation, opt-out, question.

What counts as a question for the advisor (a private message the relay forwards to advisors):
- it asks for information or help about what the advisor serves - the course (lessons, replays, homework, check-ins,
  the schedule), money and products (funds, savings, insurance, prices, refunds, coupons), an account or the app - or
  it tells a problem that needs an answer ('红包领不了', '直播的时候没声音'), not one solved;
- a question shape alone is not enough. Not a question: rhetoric ('这不就是割韭菜吗', '谁说理财难？'), a reaction or
  exclamation ('真的假的', '怎么讲得这么清楚啊', '是不是想钱想疯了哈哈'), social talk about the advisor's life, the
  weather or a holiday ('老师周末出去玩了吗', '您是哪里人呀'), a lament ('唉，为什么钱总是不够花'), a statement that only
  contains a question word ('我知道该怎么做了', '我把怎么开户的步骤记下来了', '我回头想想买哪个再跟您说'), a question
  reported from someone else and the story of it ('我老公问我天天抱着手机干嘛', '我孙子问我基金是啥，我也说不清楚'),
  one the sender answers at once ('值不值，太值了', '为什么我这么穷？因为我没文化', '开心吗？开心！'), takes back or
  puts off ('我有个问题……算了，等我想清楚再问你'), a scoff or a sneer ('免费的课能有什么好东西', '亏了谁负责？说得好
  听'), too much exclaimed ('这也太难了吧？'), 'whatever' ('你们说什么就是什么'), a seller's offer ('我是做保险的，有兴
  趣了解一下吗'), thanks or a farewell with a question mark ('谢谢您的耐心讲解呀？', '明天见？'), surprise echoed after a
  reaction ('真的假的？基金还能亏到一半？'), or the course's words noted or pasted under a label ('笔记：什么是复利？…');
- where a clause has the shape of a question and neither it nor the clause before names anything the advisor serves
  (`question.about` in cues.yaml), small talk words, laughter, a judgement of a person or a complaint lead mark it as
  social; where it does name such a thing, it is a question (the course asked about in small talk's words still asks:
  '老师周末上课吗'). Asking as such ('想问问', '请教') names nothing served where the same clause makes small talk
  ('就想问问老师最近好不好'); it does where it stands alone ('老师周末有空吗，我想问个事').
A small classifier was considered and not used: no pinned dependency of the project offers one, and the rules keep
every decision explainable and the words editable in the playbook.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.language.clauses import Clause
from bot.language.cues import Cues
from bot.language.normalize import CAP, DONE, NOT, PIC
from bot.language.places import Gazetteer
from bot.language.scope import _A_NOT_A, Scope

_DAY = re.compile(r"^(?:day|d|第)?\s*[0-9一二三四五六七八九十]{1,2}\s*天?$|^(?:今天|今日|day)$")
_PARTICLES = ("了", "啦", "咯", "喽", "哦", "哈", "呀", "啊", "嘛", "哒")
_CARD = re.compile(r"(?:^|[的把天次号])卡")  # 卡 as a thing: '昨天的卡', '把卡', '第三天卡'
_HITS = 8  # a keyword's first occurrences in a clause are read: linear time however often a message repeats it
# '今天正式从小白班毕业', '从训练营顺利毕业': the class left, before 毕业 (not '从师范大学毕业')
# '我是不是话太多了', '老师是不是很忙': a judgement of a person sought - small talk where nothing served is named
_JUDGING = re.compile(r"是不是[^?]{0,3}?(?:太|很|有点|挺|特别|真)")
# '钱转不出来', '课程看不了', '直播进不去': an app verb that cannot be done
_CANT = re.compile(r"(?:转|取|提|退|登|领|付|看|点|进|用|传|下载|开|绑|充|扫|播|交|改|删|连|打)不(?:了|上|出|进|到|动|开)")
_DEGREE = re.compile(r"^[\u4e00-\u9fff]{0,3}?(?:这么|那么|这也太|也太)[\u4e00-\u9fff]{1,3}的?[吗么啊]$")
# '打开', '第3天打开了': 打卡 said by voice input or a slip, as a clause of its own (not '打开链接')
_OPENED = re.compile(r"^(?:(?:day|d|第)?\s*[0-9一二三四五六七八九十]{1,2}\s*天?|今天|今日|已|已经|来)?打开(?:了|啦|咯|喽|✓)?$")
# '已经不错了', '已经很好了': 已经 with a judgement, not a deed done (a later clause after the work named)
_ALREADY_SO = re.compile(r"已经?(?:不|很|挺|太|够|蛮|非常|算|是|有|快|差不多|可以|还行|足够)")
# '今天也打了', '我打了' after a clause that names 打卡: the check-in said without its noun
_ELLIPTIC = re.compile(r"^(?:我|也|今天|今日|已经|早就|早|刚|刚刚|都|的)*(?:打了|打过了|打过啦|打上了|打完了|打好了|打啦|打咯|打喽|已打)$")
# '卡和作业都完成了', '今天的卡跟实操都搞定了': the day's 卡, named with the work, done together
_CARD_AND = re.compile(r"(?:^|(?<=[的天日]))卡(?=[和跟与、])")
# '打卡和实操都还没做': a not-done said of both things named together
_BOTH_NOT = re.compile(r"[和跟与、][^,，]{1,8}?(?:都|也)(?:还|都)?(?:没|不|未|忘)")
_FROM_CLASS = re.compile(r"从[\u4e00-\u9fffa-z0-9]{1,8}?(?:班|营|课堂|课程|课)")
# '这也太难了吧', '利息也太低了吧？': too much, exclaimed
_TOO = re.compile(r"太[\u4e00-\u9fff]{1,6}?了?吧[啊呀]?$")
# '你们说什么就是什么', '哪个好就买哪个': a question word taken up again after 就 says 'whatever', it asks nothing
_WHATEVER = re.compile(r"(什么|啥|怎么|哪里|哪个|多少)[^?]{0,6}?就[^?]{0,4}?\1")
# '我都亏成这样了还学什么理财': after 都…了, 还…什么 says there is no point
_SELLER = re.compile(r"^我是[\u4e00-\u9fff]{2,8}(?:公司|保险|银行|证券|机构|中心)的")  # '我是平安保险的小李'
_NEED = re.compile(r"需要[^?帮]{0,8}吗$")  # '请问公司需要记账报税吗' (from a seller: an offer)
_ME = re.compile(r"我(?!们)")
_ME_ASKS = re.compile(r"我(?:该|应该|要怎么|能不能|可以|怎么)")  # '…我该怎么发链接给她': the sender asks  # the sender speaking ('我记到第三点就没跟上'), not the course's 我们
_CHALLENGE = re.compile(r"凭(?:什么|啥)[^?]{0,8}?(?:就|说|一定)")  # '凭什么收益就一定比存款高': a claim challenged
_NOTHING = re.compile(r"(?:什么|啥|谁|哪儿?|哪里)也(?:不|没)")  # '啥也没学到': nothing, not what
_NO_POINT = re.compile(r"都[^?]{1,10}?了[^?]{0,3}?还[^?]{0,4}?(?:什么|啥)")
# '什么是复利？' answered by '复利就是利滚利'
_WHAT_IS = re.compile(r"(?:什么是|啥是)([\u4e00-\u9fffa-z]{1,6})$|^([\u4e00-\u9fffa-z]{1,6})是(?:什么|啥)$")


@dataclass(frozen=True, slots=True)
class _Told:
    """Around a message's questions: a sneer, a seller, the last clause that takes back and the last that puts off."""
    sneering: bool
    selling: bool
    withdrawn: int  # clauses before this one are taken back ('我有个问题……算了')
    put_off: int  # clauses before this one are put off ('有个事想问您，等我想好了再问')
    chatty: bool  # small talk or laughter somewhere
    sighing: bool  # a sigh or a wish somewhere ('唉', '…就好了')
    laughing: bool
    exasperated: bool  # '服了', '烦死了'


def _crossed(parts: list[Clause]) -> list[Clause]:
    """A cross standing alone belongs to the clause before it ('今日打卡：❌' says not done)."""
    if not any(NOT in c.text for c in parts) or not any(c.text.strip(NOT) == "" for c in parts):
        return parts
    out: list[Clause] = []
    for c in parts:
        if out and c.text.strip(NOT) == "":
            out[-1] = Clause(out[-1].text + NOT, out[-1].asked, c.spaced)
        else:
            out.append(c)
    return out


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
        self.shown = cues.words("practice", "shown")
        self.shown_heads = cues.words("practice", "shown_heads")
        self.shown_tails = cues.words("practice", "shown_tails")
        self.acts = cues.words("practice", "acts")
        self.sent_subjects = cues.words("practice", "sent_subjects")
        self.sent = cues.words("practice", "sent")
        self.doers = tuple(cues.words("practice", "doers"))
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
        self.optout_almost = cues.words("optout", "almost")
        self.resubscribe_words = cues.words("resubscribe")
        self.landmarks = cues.words("checkin", "landmarks")
        self.contexts = cues.words("checkin", "contexts")
        self.optout_marketing = cues.words("optout", "marketing")
        self.greetings = cues.words("question", "greetings")
        self.forwarded = cues.words("question", "forwarded")
        self.trouble = cues.words("question", "trouble")
        self.solved = cues.words("question", "solved")
        self.confused = cues.words("question", "confused")
        self.retract = cues.words("scope", "retract")
        self.resume = cues.words("scope", "resume")
        self.undo = frozenset(cues.words("scope", "undo"))
        self.pointers = cues.words("scope", "pointers")
        self.asks_again = cues.words("checkin", "asks_again")
        self.checkin_derision = cues.words("checkin", "derision")
        self.checkin_intend = cues.words("checkin", "intend")
        self.studied = frozenset(cues.words("checkin", "studied"))
        self.graduation_firsts = cues.words("graduation", "firsts")
        self.graduation_days = cues.words("graduation", "days")
        self.places = places  # a place right before 打卡 is a visit ('故宫打卡')
        self.made_up = cues.words("checkin", "made_up")
        self.card_compounds = cues.words("checkin", "cards")
        self.optout_proxy = cues.words("optout", "proxy")
        self.optout_proxied = cues.words("optout", "proxied")
        self.self_not = cues.words("scope", "self_not")
        self.days = cues.words("checkin", "days")
        self.mentions = cues.words("checkin", "mentions")
        self.own_heads = cues.words("practice", "own_heads")
        self.optout_pause = cues.words("optout", "pause")
        self.optout_pause_for = cues.words("optout", "pause_for")
        self.optout_send_named = cues.words("optout", "send_named")
        self.conditional = cues.words("optout", "conditional")
        self.forwarded_marks = cues.words("question", "forwarded_marks")
        self.complaint_leads = cues.words("question", "complaint_leads")
        self.exasperated = cues.words("question", "exasperated")
        self.hearsay = cues.words("question", "hearsay")
        self.market = cues.words("question", "market")
        self.about = cues.words("question", "about")
        self.about_weak = cues.words("question", "about_weak")
        self.requests = cues.words("question", "requests")
        self.thanks = cues.words("question", "thanks")
        self.social = cues.words("question", "social")
        self.laughter = cues.words("question", "laughter")
        self.sighs = cues.words("question", "sighs")
        self.praise = cues.words("question", "praise")
        self.later = cues.words("question", "later")
        self.no_reply = cues.words("question", "no_reply")
        self.why = cues.words("question", "why")
        self.intensifiers = cues.words("question", "intensifiers")
        self.unable = cues.words("question", "unable")
        self.wishes = cues.words("question", "wishes")
        self.about_help = cues.words("question", "about_help")
        self.scoffs = cues.words("question", "scoffs")
        self.sneers = cues.words("question", "sneers")
        self.withdrawn = cues.words("question", "withdrawn")
        self.answers = cues.words("question", "answers")
        self.notes = cues.words("question", "notes")
        self.sellers = cues.words("question", "sellers")
        self.pitches = cues.words("question", "pitches")
        self.askers = cues.words("question", "askers")
        self.suggested = cues.words("question", "suggested")
        self.confirm = cues.words("question", "confirm")
        self.reactions = cues.words("question", "reactions")
        self.optout_back = cues.words("optout", "back")
        # '为啥我总是管不住手', '为啥我一学就困': a why about one's own habit
        self._habit = re.compile(f"(?:为什么|为啥|怎么|咋)我(?:{'|'.join(map(re.escape, cues.words('question', 'habits')))}"
                                 f"|一[\u4e00-\u9fff]{{1,3}}就|(?:这么|那么)[\u4e00-\u9fff]{{1,2}}[啊呀呢]?$)")
        praised = '|'.join(map(re.escape, self.praise))  # '怎么讲得这么清楚', '您怎么懂这么多呀'
        self._praise_shape = re.compile(f"(?:怎么|咋|为什么|为啥)(?:[^?]{{0,6}}?(?:这么|那么|如此|什么都|啥都)[^?]{{0,4}}?"
                                        f"(?:{praised})|[^?]{{0,3}}?(?:{praised})(?:得)?(?:这么|那么)(?:多|好|全|透))")
        surnames = "".join(w for w in cues.words("scope", "surnames") if len(w) == 1) or "\x00"
        self._name = re.compile(f"^(?:(?:{'|'.join(map(re.escape, cues.words('scope', 'name_heads')))})[{re.escape(surnames)}]"
                                f"|[{re.escape(surnames)}](?:{'|'.join(map(re.escape, cues.words('scope', 'name_tails')))}))"
                                if cues.words("scope", "name_heads") else r"(?!x)x")

    def own(self, parts: list[Clause]) -> list[Clause]:
        """The clauses that speak of the sender: without one that begins with another's name when the sender says they
        have not ('小王实操已经交了，我还没动')."""
        if len(parts) < 2 or not any(self.self_not.within(c.text) or self.pointers.within(c.text) for c in parts):
            return parts  # ... or points back at them ('小李实操已经做完了，大家可以参考她的')
        return [c for c in parts if self._name.match(c.text) is None]

    def retracted(self, parts: list[Clause], resume: bool = False, words=None) -> bool:
        """'打卡……算了明天吧', '上次说退订是开玩笑的': the message takes itself back. With `resume` (the group's
        intents), a 算了 that turns to doing it now takes back the delay, not the deed ('明天再打吧……算了现在就打');
        with `words`, only what is said from the first clause naming them on is taken back ('我算了，月结余2300，实操完成':
        nothing said of the work comes before)."""
        if words is not None:
            first = next((k for k, c in enumerate(parts) if words.within(c.text)), len(parts))
            parts = parts[first:]
        for c in parts:
            if not self.retract.within(c.text) or not self.retract.within(self.scope.clean(c.text)):
                continue
            if resume and all(c.text.startswith(self.resume, e) for _, e in self.retract.spans(c.text)[:_HITS]):
                continue
            return True
        return False

    def _undone(self, parts: list[Clause], words: tuple[str, ...]) -> list[Clause]:
        """'实操还没……哦不，刚刚已经交了': a not-done taken back at once ('哦不', '不对'); what follows speaks of the work
        named before it."""
        if len(parts) < 3:
            return parts
        for k in range(1, len(parts) - 1):
            if parts[k].text.rstrip("了啦啊呀") not in self.undo:
                continue
            named = next((c.text[s:e] for c in reversed(parts[:k]) for s, e in words.spans(c.text)[:1]), None)
            if named is not None:
                nxt = parts[k + 1]
                return [Clause(named + nxt.text, nxt.asked, nxt.spaced), *parts[k + 2:]]
        return parts

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

    def _answering(self, parts: list[Clause], quoted: str, words) -> list[Clause]:
        """'「小助手：今天的实操是开一个账户」 做完了': a reply to a quoted post that names the work, saying only 'done',
        speaks of the work named in the quote."""
        named = words.spans(quoted)[:1] if quoted else None
        if not named or not parts or any(words.within(c.text) for c in parts):
            return parts
        first = parts[0]
        if not (first.text.startswith(("已", DONE)) or any(s == 0 for s, _ in self.done.spans(first.text)[:1])):
            return parts
        return [Clause(quoted[named[0][0]:named[0][1]] + first.text, first.asked, first.spaced), *parts[1:]]

    def checkin(self, parts: list[Clause], quoted: str = "") -> bool:
        """'打卡' / 'Day2打卡' / '已打卡' / a lone ✅ / 'Day2 ✅ 实操也做完了'; not '还没打卡', '打卡在哪里打', '上班打卡'."""
        said = "".join(c.text for c in parts)  # nothing a check-in is said with: most chat, read at once
        if DONE not in said and "打开" not in said and "卡" not in said and not self.checkin_words.within(said):
            return False
        if any(i and self.mentions.within(c.text) and self.scope.asks(c) for i, c in enumerate(parts)):
            return False  # '打卡✅这个符号怎么打出来的？': the words before are asked about
        rest = [c.text.replace(DONE, "") for c in parts]
        if any(DONE in c.text for c in parts) and all(r == "" or _DAY.match(r) or self._studied(r) for r in rest):
            return True  # '✅', 'Day3 ✔️', 'Day 2 ✅', '今日已学✅'
        if rest and _DAY.match(rest[0]) and not rest[0].isdigit() and rest[0] not in ("今天", "今日") and (
                DONE in parts[0].text or len(parts) > 1 and parts[1].text == DONE):
            return True  # 'Day2 ✅ 实操也做完了', '第3天✅，今天学了定投': the day marked done heads the message
        if self.retracted(parts, resume=True, words=self.checkin_words):
            return False
        if any(self.checkin_derision.within(c.text) and self.checkin_words.within(c.text) for c in parts):
            return False  # '打卡打卡，天天打卡有什么用，骗人的吧': checking in derided
        if any(self.asks_again.within(c.text) and self.scope.asks(c) for c in parts):
            return False  # '我昨天就打过卡了，今天还要打吗？': asks whether to check in
        parts = self._undone(_crossed(parts), self.checkin_words)
        if any(_OPENED.match(c.text) for c in parts):  # '打开，今天学的定投': 打卡 misheard
            parts = [Clause(c.text.replace("打开", "打卡"), c.asked, c.spaced) if _OPENED.match(c.text) else c for c in parts]
        parts = self._answering(parts, quoted, self.checkin_words)
        if any("卡" in c.text and _CARD_AND.search(c.text) and self.subjects.within(c.text) for c in parts):
            parts = [Clause(_CARD_AND.sub("打卡", c.text, count=1), c.asked, c.spaced) if self.subjects.within(c.text) else c
                     for c in parts]
        parts = [c for c in parts if _BOTH_NOT.search(c.text) is None] if any("都" in c.text or "也" in c.text for c in parts) else parts
        own = parts if len(parts) < 2 else self.own(parts)
        if any(self.days.within(c.text) for c in own):  # '又是打卡的一天': the 的 names the day, not the thing
            own = [Clause(self.days.sub(c.text, "打卡_"), c.asked, c.spaced) if self.days.within(c.text) else c for c in own]
        if any(self.checkin_intend.within(c.text) for c in own):  # '今天也要打卡哦': what one means to do
            own = [c for c in own if not self._intends(c.text)]
        return self._keyword(own, self.checkin_words, self.checkin_compounds, visit=True) or self._made_up(own) \
            or self._elliptic(own)

    def _studied(self, text: str) -> bool:
        """'今日已学', '第3天学完了': the day's lesson said studied (a check-in with a done mark)."""
        for day in ("今日", "今天", "今天的", "今日的"):
            text = text.removeprefix(day)
        return text in self.studied

    def _intends(self, text: str) -> bool:
        """'今天也要打卡哦', '每天都要打卡': an intention (or a rule) right before the keyword."""
        ends = [e for _, e in self.checkin_intend.spans(text)[:_HITS]]
        return any(any(0 <= s - e <= 2 for e in ends) for s, _ in self.checkin_words.spans(text)[:_HITS])

    def _elliptic(self, parts: list[Clause]) -> bool:
        """'大家都打卡了吗？我打了', '老公说我天天打卡…，今天也打了': after a clause naming 打卡, the sender's own 打了."""
        for i, c in enumerate(parts):
            if i and _ELLIPTIC.match(_strip_particles(c.text, ("哈", "呀", "啊", "哦", "✓"))) \
                    and any(self.checkin_words.within(p.text) for p in parts[:i]):
                return True
        return False

    def _made_up(self, parts: list[Clause]) -> bool:
        """'昨天的卡今天补上了': the day's 卡, named as a thing, made up later - not '银行卡补好了', '卡明天补上'."""
        for clause in parts:
            if "补" not in clause.text or "卡" not in clause.text:
                continue
            for s, e in self.made_up.spans(clause.text)[:_HITS]:
                card = _CARD.search(clause.text, 0, s)
                if card and not self.card_compounds.within(clause.text) and self.scope.affirms(clause, s, e):
                    return True
        return False

    def practice(self, parts: list[Clause], quoted: str = "") -> bool:
        """'实操完成' / '作业已交' / '已完成实操' / '实操搞定✌️'; not '实操怎么做', '实操完成不了'."""
        said = "".join(c.text for c in parts)  # no work named, shown or sent: most chat, read at once
        if PIC not in said and not self.subjects.within(said) and not self.sent_subjects.within(said) and not (
                quoted and self.subjects.within(quoted)):
            return False
        if self.retracted(parts, resume=True, words=self.subjects):
            return False
        if len(parts) > 2:  # '实操作业：1）开通了基金账户 2）…': list numbers say nothing
            parts = [c for c in parts if not (c.text.isdigit() and len(c.text) <= 2)] or parts
        parts = self._answering(self._undone(parts, self.subjects), quoted, self.subjects)
        pictures = any(PIC in c.text for c in parts) and any(c.text.strip(PIC) == "" for c in parts)
        if pictures and all(c.text.strip(PIC + DONE) == "" for c in parts):
            return True  # '[图片]', '[图片][图片] ✅': the work shown, nothing said
        parts = _crossed(parts) if len(parts) < 2 else self.own(_crossed(parts))
        if any(self._sent(c) for c in parts):
            return True  # '截图发上来了', '截图已经发给助教了'
        for i, clause in enumerate(parts):
            subjects = self.subjects.spans(clause.text)
            compounds = self.practice_compounds.spans(clause.text) if subjects else []
            if not subjects or _inside(compounds, *subjects[0]):
                continue
            clause, subjects, compounds = self._head(clause, subjects, compounds)
            if self._shown(clause.text, subjects[0], pictures) and not self.scope.asks(clause):
                return True  # '[图片] 实操截图', '今天的作业截图来啦', '[图片] 作业'
            if i and self._done_before(parts[i - 1], clause, subjects[0]):
                return True  # 'Done with 作业', '完成 今日实操'
            if self.scope.asks(clause) and self._own_answer(parts[i + 1:i + 3]):
                return True  # '你作业交了吗？我的交了': asked another, then said of their own
            done = [(s, e) for s, e in self.done.spans(clause.text)[:_HITS] if not _inside(compounds, s, e)
                    and not clause.text.startswith(self.doers, e)]  # '实操做完的同学好厉害': others who did it
            if done:
                if any(self.scope.affirms(clause, s, e) for s, e in done):
                    return True
                continue
            if self.scope.asks(clause) or not self.scope.affirms(clause, len(clause.text), len(clause.text)):
                continue  # '实操还没做，今晚熬夜也得做完': the subject said not done
            if self._acts(clause, subjects[0], parts[i + 1:i + 4]):
                return True  # '实操作业：开了个账户，买了100块货基': the subject heads what was done
            # '实操 ✅', '实操：已开户并买入100元', '实操：定投设置完成': the subject heads, a later clause says done
            for later in parts[i + 1:i + 4]:
                tail = _strip_particles(later.text, _PARTICLES)[-12:]  # '定投计划设置好了'
                leads = (later.text.startswith("已") and _ALREADY_SO.match(later.text) is None) or any(s == 0 for s, _ in self.done.spans(later.text[:12])) or any(
                    e == len(tail) for _, e in self.done.spans(tail))
                at = self.done.spans(later.text)[:1]  # '今晚熬夜也得做完': what comes before the done word counts
                if later.text == DONE or (leads and self.scope.affirms(later, *(at[0] if at else (0, 0)))):
                    return True
        return False

    def _sent(self, clause: Clause) -> bool:
        """'截图发上来了', '截图已经发给助教了': a screenshot said to be sent (not '截图保存好了', '截图怎么发')."""
        shot = self.sent_subjects.spans(clause.text)[:1]
        if not shot or self.subjects.within(clause.text):
            return False  # with the work named, the work's own words decide ('实操截图发不上来')
        sent = [(s, e) for s, e in self.sent.spans(clause.text[shot[0][1]:])[:_HITS]]
        return any(self.scope.affirms(clause, shot[0][1] + s, shot[0][1] + e) for s, e in sent)

    def _head(self, clause: Clause, subjects: list, compounds: list) -> tuple[Clause, list, list]:
        """'没做完的实操今晚做完了', '前天没交的作业，今天补上了': a not-done said of the work, before its 的, names which
        work it is (what follows says what became of it); the clause is read from the work on. Not another's work
        ('孩子没做完的作业')."""
        start = subjects[0][0]
        modifier = clause.text[:start]
        if not modifier.endswith("的") or not self.scope.negation.within(modifier) or self.scope.third_party.within(modifier):
            return clause, subjects, compounds
        text = clause.text[start:]
        return Clause(text, clause.asked, clause.spaced), self.subjects.spans(text), self.practice_compounds.spans(text)

    def _done_before(self, before: Clause, clause: Clause, subject: tuple[int, int]) -> bool:
        """'Done with 作业', '完成 今日实操': done said first, the work named after a space."""
        if not before.spaced or before.asked or before.text == DONE or self.scope.asks(clause) \
                or len(clause.text) > subject[1] + 4 or NOT in clause.text:
            return False
        text = before.text
        for word in (" the", " my", " with"):  # 'I finished the 实操', 'done with my 作业'
            text = text.removesuffix(word)
        text = text.removesuffix("with").rstrip()
        done = [(s, e) for s, e in self.done.spans(text)[:_HITS] if e == len(text)]
        return bool(done) and self.scope.affirms(Clause(text), *done[-1])

    def _acts(self, clause: Clause, subject: tuple[int, int], later: list[Clause]) -> bool:
        """The clause only names the work ('实操作业：'), and the next says what was done, in the past ('开了个账户')."""
        if not later or clause.text[:subject[0]] not in self.shown_heads and subject[0] or clause.text[subject[1]:] != "":
            return False
        first = later[0]
        acts = self.acts.spans(first.text)[:1]
        return bool(acts) and acts[0][0] <= 2 and not self.scope.asks(first) and self.scope.affirms(first, *acts[0])

    def _own_answer(self, later: list[Clause]) -> bool:
        """'我的交了', '我的已经搞定了', '我也做完了' right after a question about the work - not '我的还没做'."""
        for c in later:
            head = next((w for w in self.own_heads if c.text.startswith(w)), None)
            if head is None:
                continue
            done = self.done.spans(c.text)[:1]
            return bool(done) and done[0][0] <= len(head) + 3 and self.scope.affirms(c, *done[0])
        return False

    def _shown(self, text: str, subject: tuple[int, int], pictured: bool = False) -> bool:
        """The clause only shows the work: '实操截图', '今天的作业截图来啦', '这是今天的实操' with a picture sent - not
        '求实操截图', '实操截图看不清'."""
        start, end = subject
        shown = next((w for w in self.shown if text.startswith(w, end)), "" if pictured else None)
        if shown is None or (start and text[:start] not in self.shown_heads):
            return False
        return _strip_particles(text[end + len(shown):], tuple(self.shown_tails)) == ""

    def graduation(self, parts: list[Clause]) -> bool:
        """'我毕业啦' / '我毕业了！' / '毕业啦毕业啦🎉' / a lone 🎓; not '什么时候毕业', '北京大学毕业的'."""
        said = "".join(c.text for c in parts)
        if CAP not in said and "毕业" not in said and not self.graduation_words.within(said) \
                and not self.graduation_wishes.within(said):
            return False  # neither 毕业 nor a mortarboard: most chat, read at once
        if parts and all(c.text.replace(CAP, "").replace(DONE, "") == "" for c in parts) and any(CAP in c.text for c in parts):
            return True  # '🎓', '🎉🎓✌️'
        texts = [Clause(self.graduation_days.sub(c.text.replace(CAP, ""), "毕业了"),  # '今天也是毕业的一天'
                        c.asked or c.text.endswith(("吗我", "么我", "嘛我")))  # '毕业了吗我': asked, the subject after
                 for c in (parts if len(parts) < 2 else self.own(parts))]
        if not any("毕业" in c.text or self.graduation_words.within(c.text) or self.graduation_wishes.within(c.text)
                   for c in texts) or self.retracted(parts, resume=True):
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
        if text.endswith("毕业的") and self.graduation_firsts.within(text):
            text = text[:-1]  # '我们家我第一个毕业的': the first to graduate
        if "从" in text:
            text = _FROM_CLASS.sub("", text, count=1)
        return text.endswith("毕业") and self.graduation_leads.removed(text[:-2]) == ""

    def _self_wish(self, texts: list[Clause]) -> bool:
        """'毕业快乐我自己', '祝自己毕业快乐', '毕业快乐，我自己' - not '祝大家毕业快乐', '提前祝自己毕业快乐'."""
        for i, c in enumerate(texts):
            nxt = texts[i + 1].text if i + 1 < len(texts) else ""
            nxt = nxt if len(nxt) <= 4 or len(nxt := self._unlaughed(nxt)) <= 8 and "我" in nxt else ""  # '说的是我自己哈哈'
            said = Clause(c.text + nxt, c.asked)
            if self.graduation_wishes.within(c.text) and self.graduation_self.within(said.text) and self.scope.affirms(said, 0, 0):
                return True
        return False

    def _unlaughed(self, text: str) -> str:
        return self.laughter.removed(text).rstrip("哈")

    def optout(self, parts: list[Clause], private: bool = True) -> bool:
        """'退订' / 'TD' / '请帮我退订，谢谢' / '不要再给我发优惠信息了'; not '退订了还能上课吗？'."""
        if self.retracted(parts) or any(self.optout_back.within(c.text) and self.scope.asks(c) for c in parts):
            return False  # '我退订了，现在又想听课，怎么恢复？': asks to come back
        if private and self._to_us(parts):
            return True
        proxy = any(self.optout_proxy.within(c.text) for c in parts)  # '我是帮我妈妈回的，…请不要再给她发了'
        for i, clause in enumerate(parts):
            text = self.optout_proxied.sub(text=clause.text, by="给我") if proxy else clause.text
            if self.optout_keep.within(text) or self.optout_compounds.within(text) or self.optout_almost.within(text) or (
                    not proxy and self.optout_others.within(text)) or self._hypothetical(text):
                continue  # '如果我取消订阅，…还能看吗': a hypothetical
            if self.optout_pause.within(text) and (not self.optout_marketing.within(text) or any(
                    self.optout_pause_for.within(c.text) for c in parts)):
                continue  # '先别发，我在开车', '先别发': a pause for a while, or of what is not named
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
                threat = kept and said.startswith("再", kept[0][0])  # '如果再发我就投诉': its 如果 is the threat's
                if polite or threat or (kept and self.scope.affirms(Clause(said), *kept[0])):
                    return True
            if not asks and self._stop_sending(text, parts[i + 1:]):
                return True
        return False

    def _hypothetical(self, text: str) -> bool:
        """'如果我取消订阅', '要是取消推送了' - not a threat ('如果再发我就投诉', '要是再发就拉黑')."""
        return self.conditional.within(text) and not any(
            text.startswith("再", s) for s, _ in self.optout_words.spans(text)[:_HITS])

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
        return any((self.optout_send.within(c.text) or self.optout_marketing.within(c.text))
                   and (not self.scope.asks(self._unannoyed(c)) or self._complains(c, parts)) and not self.optout_others.within(c.text) for c in parts)

    def _unannoyed(self, clause: Clause) -> Clause:
        """The clause without its exasperation ('天天发有意思吗？' -> '天天发'): a rhetorical question asks nothing."""
        if not self.optout_annoyed.within(clause.text):
            return clause
        return Clause(self.optout_annoyed.removed(clause.text), False, clause.spaced)

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
            if stop is None or (not marketing and text[s:e] in self.optout_send_named):
                continue  # '别叫我了': 叫我 stops sending only with what is sent named ('以后有活动都别叫我了')
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

    def question(self, parts: list[Clause], opting_out: bool = False, text: str = "") -> bool:
        """A private message is a question for the advisor when one of its own clauses asks for something the advisor can
        answer or do, or when it tells the advisor of a problem:
        - asks: a question mark or a final 吗/么/不/没, a question word, A-not-A, a choice ('按周还是按月'), or a request
          said without any of these ('请教…', '求推荐…', '想了解…', '有个事想麻烦您', '不知道该买哪个');
        - a problem: '红包领不了', '我老公说他的账号登不上去' (a relative's too) - not one solved, nor hearsay of how things
          go ('我朋友说她退订了，之后就收不到了').
        Said, not asked, and so no question: small talk and reactions alone ('在吗', '是吗', '真的假的', '谢谢您嘛'); a text
        passed on ('转：为什么…？'); what everyone would answer the same ('谁还不想发财呢', '难道存银行就安全吗',
        '天上哪会掉馅饼'); regret ('我怎么早没想到呢'); surprise at a degree ('哇这么厉害吗'); a complaint with
        exasperation ('股市怎么又跌了，真是服了'); a question word that names what is known or any ('我知道怎么开户了',
        '什么时候买都可以'); in an opt-out, the reason given ('我看不懂，以后别发给我了')."""
        if parts and (parts[0].text.startswith(self.forwarded) or len(parts) > 1 and parts[0].text in self.forwarded_marks):
            return False  # '转发：基金定投的五个误区', '【分享】…': passed on, not asked
        if len(parts) > 1 and parts[0].text in self.notes and text.startswith(parts[0].text + ":") and not any(
                "老师" in c.text or "您" in c.text or _ME.search(c.text) for c in parts):
            return False  # '笔记：什么是复利？复利就是…': the course's words noted or pasted, not asked
        if any(self.no_reply.within(c.text) for c in parts):
            return False  # '…就是跟您吐槽一下，您不用回我哈': told, no answer wanted
        solved = any(self.solved.within(c.text) for c in parts)
        told = None
        reported = False  # after another's question reported, the story of it - unless a clause turns to the advisor
        for i, c in enumerate(parts):
            if self.greetings.removed(self.scope.core(c.text)) == "":
                if i and self.confirm.removed(_strip_particles(self.scope.core(c.text), _PARTICLES)) == "" and \
                        self.hearsay.within(parts[i - 1].text) and self.about.within(parts[i - 1].text):
                    return True  # '听说你们后面要收费，真的吗': hearsay of what the advisor serves, to confirm
                continue  # "你好在吗"
            if reported and not self._addressed(c):
                continue  # '我孙子问我基金是啥，我一下子也说不清楚'
            c, reported = self._reported(c, reported)
            if opting_out and self.scope.core(c.text) in self.scope.demand_tags:
                continue  # '我不想再收到群发消息了 可以吗': a polite tag on the request
            if opting_out:  # '我看不懂，别发了', '天天发有意思吗': the reason, or exasperation, not a question
                c = self._unannoyed(Clause(self.confused.removed(c.text), c.asked) if self.confused.within(c.text) else c)
                if self.why.within(c.text) and self.optout_send.within(c.text):
                    continue  # '别整这些了 嘎哈啊天天发 别给我发了': why they send, asked in exasperation
            if not self.scope.asks(c):
                if not opting_out and self._requests(c):
                    return True  # '我想要第二课的笔记', '麻烦老师再讲一遍复利': asked for, without a question
                continue
            told = told or self._told(parts)  # read once, at the first clause that asks: linear in the message
            if self.complaint_leads.within(c.text) and told.exasperated and (opting_out or self.market.within(c.text)):
                continue  # '股市怎么又跌了，真是服了' (see _complains)
            if solved and self.unable.within(c.text) and not c.asked and not self.scope.question_words.within(c.text):
                continue  # '昨天不会操作，今天自己琢磨出来了'
            if self._later(c) or self._answered(c, parts[i + 1:i + 2]):
                continue
            if self._praises(c.text) or self._laments(c, told) or self._amused(c, told):
                continue
            if _JUDGING.search(c.text) and not self.about.within(c.text):
                continue  # '大过年的还在学习，我是不是很拼': a judgement of a person sought
            if not self._served(parts[max(0, i - 1):i + 1]) and self._idle(c, told):
                continue
            if self._unasked(c, parts, i, told):
                continue
            return True
        return self._trouble(parts)

    def _reported(self, clause: Clause, reported: bool) -> tuple[Clause, bool]:
        """'我室友问我天天听什么课': the clause up to 问我 (what follows is the other's question), and whether one was
        reported."""
        found = self.scope.reported.spans(clause.text)[:1] or self.suggested.spans(clause.text)[:1]
        if not found:
            return clause, reported
        before = clause.text[:found[0][0]]
        if self.scope.third_party.within(before) or self.askers.within(before):
            return Clause(before, False, clause.spaced), True
        return clause, reported

    def _addressed(self, clause: Clause) -> bool:
        """Does the clause turn to the advisor ('老师您说呢？', '您能给我讲讲吗')?"""
        core = self.scope.core(clause.text)
        return clause.asked or core.endswith(("吗", "么")) or "您" in clause.text or "老师" in clause.text or \
            self.about_help.within(core) or _ME_ASKS.search(core) is not None

    def _told(self, parts: list[Clause]) -> "_Told":
        """What the whole message says around its questions, read once (each clause then costs O(1) more)."""
        withdrawn = put_off = -1
        sneering = selling = chatty = sighing = laughing = exasperated = False
        for j, c in enumerate(parts):
            laughing = laughing or self.laughter.within(c.text)
            chatty = chatty or self.social.within(c.text)
            sighing = sighing or _strip_particles(c.text, _PARTICLES).endswith(self.sighs) or self.wishes.within(c.text)
            exasperated = exasperated or self.exasperated.within(c.text) or self.optout_annoyed.within(c.text)
            if self.withdrawn.within(c.text) and self.withdrawn.within(self.scope.clean(c.text)):
                withdrawn = j
            if self._later(c):
                put_off = j
            sneering = sneering or self.sneers.within(c.text)
            selling = selling or self.sellers.within(c.text) or _SELLER.search(c.text) is not None
        return _Told(sneering, selling, withdrawn, put_off, chatty or laughing, sighing, laughing, exasperated)

    def _unasked(self, clause: Clause, parts: list[Clause], i: int, told: "_Told") -> bool:
        """A question shape that wants no answer: a scoff or a sneer ('免费的课能有什么好东西', '亏了谁负责？说得好
        听'), too much exclaimed ('这也太难了吧？'), 'whatever' ('你们说什么就是什么'), a seller's offer, a question
        taken back or put off ('我有个问题……算了'), answered at once ('为什么我这么穷？因为我没文化'), surprise echoed
        after a reaction ('真的假的？基金还能亏到一半？'), or a run-on's clause that asks nothing read with the words
        before it ('…以前从来|不知道什么是复利')."""
        text, core = clause.text, self.scope.core(clause.text)
        nxt = parts[i + 1] if i + 1 < len(parts) else None  # a run-on's pieces are read together ('说到底不|就是想…')
        said = (parts[i - 1].text[-6:] if clause.cut and i else "") + text + (nxt.text[:8] if nxt and nxt.cut else "")
        if self.scoffs.within(said) or _CHALLENGE.search(said) or _NO_POINT.search(said) or (
                _TOO.search(core) and not _A_NOT_A.search(core)):
            return True  # not '是不是太冒险了吧' (asks)
        for shape in (_NOTHING, _WHATEVER):  # '啥也没学到' - not '为什么我什么也没收到？' (asks besides)
            if shape.search(text) and not self.scope.asks(Clause(shape.sub("_", text), clause.asked)):
                return True
        if told.sneering and not self._troubled(text):
            return True
        if told.selling and (self.pitches.within(text) or _NEED.search(core)):
            return True  # '我是平安保险的小李，请问您最近有配置保险的需求吗？': an offer
        if i < told.withdrawn or (not clause.asked and not self.about.within(text) and i < told.put_off):
            return True  # put off: '有个事想问您，等我想好了再问' (not '帮我看看持仓，我晚点再跟您说')
        if nxt is not None and not nxt.asked and self._answers(core, nxt.text):
            return True
        if i and parts[i - 1].asked and self._answers(self.scope.core(parts[i - 1].text), text):
            return True  # '…复利就是利滚利嘛': the answer itself, whatever its particle
        if clause.asked and self.thanks.within(text) and not self.scope.asks(Clause(text)):
            return True  # '谢谢您的耐心讲解呀？': thanks, with a question mark
        if not clause.asked and "是不是" in text and self._laughing(parts[i:i + 2]) and \
                not self.scope.asks(Clause(text.replace("是不是", "是", 1))):
            return True  # '群里那些晒收益的是不是托啊哈哈哈': a guess made for fun
        reacted = i and self.reactions.removed(_strip_particles(self.scope.core(parts[i - 1].text), _PARTICLES)) == ""
        if reacted and clause.asked and not self.scope.asks(Clause(text)):
            return True
        return clause.cut and i > 0 and not self.scope.asks(Clause(parts[i - 1].text[-6:] + text, clause.asked))

    def _laughing(self, parts: list[Clause]) -> bool:
        """Laughter in the clause, or a next clause of only laughter."""
        return self.laughter.within(parts[0].text) or len(parts) > 1 and self.laughter.removed(parts[1].text) == ""

    def _answers(self, asked: str, after: str) -> bool:
        """'为什么…？因为…', '什么是复利？复利就是利滚利': the next clause is the answer."""
        if after.endswith(("吗", "么")):
            return False  # '为什么净值跌了？因为分红吗': a guess, still asking
        if after.startswith(tuple(self.answers)) or after == "答":
            return True  # '问：怎样才能快速致富？答：做梦。' 
        said = _strip_particles(asked, ("吗", "么", "嘛", "不", "没"))
        if said != asked and said and _strip_particles(after, _PARTICLES) == said:
            return True  # '开心吗？开心！'

        found = _WHAT_IS.search(asked)
        topic = found and (found.group(1) or found.group(2))
        return bool(topic) and after.startswith(tuple(topic + w for w in ("就是", "是指", "指的是", "是")))

    def _requests(self, clause: Clause) -> bool:
        """'我想要第二课的笔记', '麻烦老师再讲一遍复利' - not '不用给我发资料', '谢谢您一直给我发学习资料'."""
        found = self.requests.spans(clause.text)[:1]
        if not found or not self.about.within(clause.text) or self.thanks.within(clause.text):
            return False
        before = self.scope.clean(clause.text)[:found[0][0]]  # '我想把课程换到…': wanting it is asking for it
        return not self.scope.negation.within(before) and not self.scope.plan.within(clause.text)

    def _served(self, parts: list[Clause]) -> bool:
        """Does the asking clause (or the one before it, which may name the topic: '那个回放，在哪看') speak of what the
        advisor serves: the course, money and products, an account or the app, or ask for help as such?"""
        if any(self.about.within(c.text) or self.about_help.within(c.text) and not self.social.within(c.text)
               for c in parts):
            return True
        return any(self.about_weak.within(c.text) for c in parts) and not any(self.social.within(c.text) for c in parts)

    def _idle(self, clause: Clause, told: _Told) -> bool:
        """A question shape that asks the advisor for nothing they serve: small talk about their life or the weather
        ('老师周末出去玩了吗'), a reaction with laughter ('是不是想钱想疯了哈哈'), praise as a question ('怎么讲得这么
        清楚啊'), a lament ('唉，为什么…', '怎么又周一了')."""
        text = clause.text
        if told.chatty:
            return True
        return self.complaint_leads.within(text) or self.praise.within(text) and "都" in text

    def _praises(self, text: str) -> bool:
        """'怎么讲得这么清楚啊', '您怎么什么都懂呀': praise said as a why (not '怎么扣了这么多钱')."""
        return self.praise.within(text) and self._praise_shape.search(text) is not None and not text.endswith(("吗", "么"))

    def _laments(self, clause: Clause, told: _Told) -> bool:
        """'唉，为什么钱总是不够花': a why with a sigh (a problem told, '唉，我的课怎么打不开', still asks)."""
        if not self.why.within(clause.text) or self._troubled(clause.text):
            return False
        return told.sighing \
            or self._habit.search(clause.text) is not None

    def _amused(self, clause: Clause, told: _Told) -> bool:
        """'好家伙，收益这么高吗哈哈': surprise at a degree, laughing - a reaction."""
        return told.laughing and _DEGREE.search(self.scope.core(clause.text)) is not None

    def _troubled(self, text: str) -> bool:
        """'红包领不了', '余额宝的钱转不出来': something the member cannot do (a problem told)."""
        return self.trouble.within(text) or _CANT.search(text) is not None

    def _later(self, clause: Clause) -> bool:
        """'我回头想想买哪个再跟您说': the sender will come back later - said, not asked (unless it ends asking)."""
        return self.later.within(clause.text) and not clause.asked and not self.scope.core(clause.text).endswith(
            self.scope.endings)

    def _answered(self, clause: Clause, after: list[Clause]) -> bool:
        """'这课程值不值，我觉得太值了': an A-not-A the sender answers at once, with the A said strongly."""
        found = _A_NOT_A.search(clause.text)
        if found is None or not after:
            return False
        return any(after[0].text.find(i + found.group(1)) >= 0 for i in self.intensifiers)

    def _complains(self, clause: Clause, parts: list[Clause]) -> bool:
        """'股市怎么又跌了，真是服了', '怎么还在发？我上次就说了不要了': 怎么又 with exasperation said, not asked."""
        return self.complaint_leads.within(clause.text) and any(
            self.exasperated.within(c.text) or self.optout_annoyed.within(c.text) for c in parts)

    def _trouble(self, parts: list[Clause]) -> bool:
        """'红包领不了', '付款的时候没显示', '我老公没收到' (a relative's problem asks too) - not '刚才领不了，现在好了',
        '他的登不上，他自己弄'."""
        if not any(self._troubled(c.text) for c in parts):
            return False
        return not any(self.solved.within(c.text) or self.hearsay.within(c.text) for c in parts)
