"""A private message that asks the advisor something: the relay forwards it to the advisors.

What counts as a question for the advisor (a private message the relay forwards to advisors):
- it asks for information or help about what the advisor serves - the course (lessons, replays, homework, check-ins,
  the schedule), money and products (funds, savings, insurance, prices, refunds, coupons), an account or the app - or
  it tells a problem that needs an answer ('红包领不了', '直播的时候没声音', '登录显示密码错误'), not one solved nor a thing
  the sender has no use for ('这个券我用不上，谢谢'); a polite request the advisor can grant asks ('消息能不能少发点呀'; in
  an opt-out, '能不能少发点，烦死了', it is the opt-out's);
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
- opting out: a question ABOUT it - what it means or what follows ('TD是什么意思', '退订了还能上课吗', '退订了以后还能看回
  放吗') - is a question; asking HOW to stop ('怎么退订', '怎么样才能收不到这些推送啊', '我想退订，但是不知道怎么操作') or
  asking to be stopped ('能帮我退订吗', '这个号的消息能关掉吗') is the opt-out itself (OptOut.said_as_question), not a
  question; a message that asks to stop and asks something else ('TD，顺便请问课程回放还能看吗') is both.
A small classifier was considered and not used: no pinned dependency of the project offers one, and the rules keep
every decision explainable and the words editable in the playbook.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.language.clauses import Clause
from bot.language.cues import Cues
from bot.language.optout import OptOut
from bot.language.scope import _A_NOT_A, Scope
from bot.language.shared import PARTICLES, strip_particles

_HABITUAL = ("天天", "每天", "老是", "总是", "成天", "整天", "一天到晚", "经常", "天天都", "每天都")  # '天天给我发…' told
_HOW_LONG = re.compile(r"(?<![好十])几年了?$|多少年了?$|多久了$|贵姓$|怎么称呼$")  # '做这行几年了' (not '好几年了'), '老师贵姓'
# '我是不是话太多了', '老师是不是很忙': a judgement of a person sought - small talk where nothing served is named
_JUDGING = re.compile(r"是不是[^?]{0,3}?(?:太|很|有点|挺|特别|真)")
# '钱转不出来', '课程看不了', '直播进不去': an app verb that cannot be done
_CANT = re.compile(r"(?:转|取|提|退|登|领|付|看|点|进|用|传|下载|开|绑|充|扫|播|交|改|删|连|打)不(?:了|上|出|进|到|动|开)")
# '登录显示密码错误', '提示验证码无效', '弹出网络异常': an error the app shows
_SHOWN = re.compile(r"(?:显示|提示|弹出|报)[^,.!?]{0,8}?(?:错误|失败|异常|无效|不存在|已过期|不正确|有误)")
# '登录一直失败', '付款老是失败': an app step that keeps failing (not '减肥一直失败')
_FAILS = re.compile(r"(?:登录|登陆|支付|付款|扣款|绑卡|绑定|提现|充值|注册|认证|开户|上传|提交|领取|下载|安装|转账)[^,.!?]{0,2}?(?:一直|老是|总是|又|还是)失败")
# '为啥周一总是这么难熬': a why about how things always are - a lament, where nothing served is named
_ALWAYS = re.compile(r"(?:为什么|为啥|怎么|咋)[\u4e00-\u9fff]{0,3}?(?:总是|老是|总|老)(?:这么|那么)")
# '那我还学个啥', '还买个什么': there is no point, said
_WHAT_FOR = re.compile(r"还[学买存投看听玩干搞弄理][\u4e00-\u9fff]?个(?:啥|什么|屁)")
_DEGREE = re.compile(r"^[\u4e00-\u9fff]{0,3}?(?:这么|那么|这也太|也太)[\u4e00-\u9fff]{1,3}的?[吗么啊]$")
# '这也太难了吧', '利息也太低了吧？': too much, exclaimed
_TOO = re.compile(r"太[\u4e00-\u9fff]{1,6}?了?吧[啊呀]?$")
# '你们说什么就是什么', '哪个好就买哪个': a question word taken up again after 就 says 'whatever', it asks nothing
_WHATEVER = re.compile(r"(什么|啥|怎么|哪里|哪个|多少)[^?]{0,6}?就[^?]{0,4}?\1")
_SELLER = re.compile(r"^我是[\u4e00-\u9fff]{2,8}(?:公司|保险|银行|证券|机构|中心)的")  # '我是平安保险的小李'
_NEED = re.compile(r"需要[^?帮]{0,8}吗$")  # '请问公司需要记账报税吗' (from a seller: an offer)
_ME = re.compile(r"我(?!们)")  # the sender speaking ('我记到第三点就没跟上'), not the course's 我们
_ME_ASKS = re.compile(r"我(?:该|应该|要怎么|能不能|可以|怎么)")  # '…我该怎么发链接给她': the sender asks
_CHALLENGE = re.compile(r"凭(?:什么|啥)[^?]{0,8}?(?:就|说|一定)")  # '凭什么收益就一定比存款高': a claim challenged
_NOTHING = re.compile(r"(?:什么|啥|谁|哪儿?|哪里)也(?:不|没)")  # '啥也没学到': nothing, not what
# '我都亏成这样了还学什么理财': after 都…了, 还…什么 says there is no point
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


class Question:
    """Is a private message a question for the advisor?"""

    def __init__(self, cues: Cues, scope: Scope, optout: OptOut) -> None:
        self.scope = scope
        self.optout = optout  # a reason or exasperation in an opt-out is not a question
        self.optout_send = cues.words("optout", "send")
        self.optout_annoyed = cues.words("optout", "annoyed")
        self.greetings = cues.words("question", "greetings")
        self.forwarded = cues.words("question", "forwarded")
        self.trouble = cues.words("question", "trouble")
        self.unneeded = cues.words("question", "unneeded")
        self.less = cues.words("question", "less")
        self.solved = cues.words("question", "solved")
        self.confused = cues.words("question", "confused")
        self.forwarded_marks = cues.words("question", "forwarded_marks")
        self.footers = cues.words("optout", "footers")  # '…如有疑问请致电客服。回TD退订': an SMS pasted
        self.complaint_leads = cues.words("question", "complaint_leads")
        self.exasperated = cues.words("question", "exasperated")
        self.hearsay = cues.words("question", "hearsay")
        self.market = cues.words("question", "market")
        self.about = cues.words("question", "about")
        self.about_weak = cues.words("question", "about_weak")
        self.requests = cues.words("question", "requests")
        self.thanks = cues.words("question", "thanks")
        self.social = cues.words("question", "social")
        self.personal = cues.words("question", "personal")
        self.meant = cues.words("question", "meant")
        self.understood_after = cues.words("question", "meant_answered")
        self.personal_not = cues.words("question", "personal_not")
        self.personal_work = cues.words("question", "personal_work")
        self.echoes = tuple(cues.words("question", "echoes"))
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
        self.remarked = cues.words("question", "remarked")
        self.remarkers = cues.words("question", "remarkers")
        self.confirm = cues.words("question", "confirm")
        self.reactions = cues.words("question", "reactions")
        self.group_places = cues.words("question", "group_places")
        self.demands = cues.words("question", "demands")
        # '为啥我总是管不住手', '为啥我一学就困': a why about one's own habit
        self._habit = re.compile(f"(?:为什么|为啥|怎么|咋)我(?:{'|'.join(map(re.escape, cues.words('question', 'habits')))}"
                                 f"|一[\u4e00-\u9fff]{{1,3}}就|(?:这么|那么)[\u4e00-\u9fff]{{1,2}}[啊呀呢]?$)")
        praised = '|'.join(map(re.escape, self.praise))  # '怎么讲得这么清楚', '您怎么懂这么多呀'
        self._praise_shape = re.compile(f"(?:怎么|咋|为什么|为啥)(?:[^?]{{0,6}}?(?:这么|那么|如此|什么都|啥都)[^?]{{0,4}}?"
                                        f"(?:{praised})|[^?]{{0,3}}?(?:{praised})(?:得)?(?:这么|那么)(?:多|好|全|透))")

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
        if len(parts) > 1 and self.footers.removed(parts[-1].text) == "" and parts[-1].text:
            return False  # '【顺丰速运】您的快递已签收，如有疑问请致电客服。回TD退订': an SMS pasted whole, footer and all
        if len(parts) > 1 and parts[0].text in self.notes and text.startswith(parts[0].text + ":") and not any(
                "老师" in c.text or "您" in c.text or _ME.search(c.text) for c in parts):
            return False  # '笔记：什么是复利？复利就是…': the course's words noted or pasted, not asked
        if any(self.no_reply.within(c.text) for c in parts):
            return False  # '…就是跟您吐槽一下，您不用回我哈': told, no answer wanted
        solved = any(self.solved.within(c.text) for c in parts)
        told = None
        reported = False  # after another's question reported, the story of it - unless a clause turns to the advisor
        for i, c in enumerate(parts):
            if i and self.confirm.within(c.text) and self.confirm.removed(strip_particles(self.scope.core(c.text), PARTICLES)) == "" \
                    and self._claimed(parts[max(0, i - 2):i]):
                return True  # '我闺蜜说余额宝比银行好，是不是真的': a claim reported, asked true or false
            if self.greetings.removed(self.scope.core(c.text)) == "":
                if i and self.confirm.within(c.text) and \
                        self.confirm.removed(strip_particles(self.scope.core(c.text), PARTICLES)) == "" and \
                        self.hearsay.within(parts[i - 1].text) and self.about.within(parts[i - 1].text):
                    return True  # '听说你们后面要收费，真的吗': hearsay of what the advisor serves, to confirm
                continue  # "你好在吗"
            if reported and not self._addressed(c):
                continue  # '我孙子问我基金是啥，我一下子也说不清楚'
            if i + 1 < len(parts) and c.text.startswith(self.echoes) and parts[i + 1].text and not parts[i + 1].asked:
                continue  # '你问我是哪里人？河南的': the advisor's question echoed, then answered
            c, reported = self._reported(c, reported)
            if opting_out and (self.scope.core(c.text) in self.scope.demand_tags or self.less.within(c.text)):
                continue  # '我不想再收到群发消息了 可以吗': a polite tag on the request; '能不能少发点，烦死了': the request
            if opting_out and self.optout.said_as_question(parts, i):
                continue  # '怎么退订', '能帮我退订吗', '这个号的消息能关掉吗': the opt-out itself, asked
            if opting_out:  # '我看不懂，别发了', '天天发有意思吗': the reason, or exasperation, not a question
                c = self.optout.unannoyed(Clause(self.confused.removed(c.text), c.asked) if self.confused.within(c.text) else c)
                if self.why.within(c.text) and self.optout_send.within(c.text):
                    continue  # '别整这些了 嘎哈啊天天发 别给我发了': why they send, asked in exasperation
            if not self.scope.asks(c):
                if not opting_out and self._requests(c):
                    return True  # '我想要第二课的笔记', '麻烦老师再讲一遍复利': asked for, without a question
                if not opting_out and self.group_places.within(c.text) and self.demands.within(c.text):
                    return True  # '能不能别在群里发广告': the group's order, asked of the advisor
                if not opting_out and "我" not in c.text and _HOW_LONG.search(strip_particles(c.text, PARTICLES)) and \
                        self._personal(c, parts[max(0, i - 2):i + 3]):
                    return True  # '老师做这行几年了': how long, asked of the advisor about themselves
                continue
            told = told or self._told(parts)  # read once, at the first clause that asks: linear in the message
            if self.complaint_leads.within(c.text) and told.exasperated and (opting_out or self.market.within(c.text)):
                continue  # '股市怎么又跌了，真是服了' (see OptOut.complains)
            if solved and self.unable.within(c.text) and not c.asked and not self.scope.question_words.within(c.text):
                continue  # '昨天不会操作，今天自己琢磨出来了'
            if self._later(c) or self._answered(c, parts[i + 1:i + 2]):
                continue
            if self.meant.within(c.text) and any(self.understood_after.within(x.text) for x in parts[i:i + 3]):
                continue  # '本来想问你定投的事，后来看回放明白了': meant, then answered
            if self._praises(c.text) or self._laments(c, told) or self._amused(c, told):
                continue
            if _JUDGING.search(c.text) and not self.about.within(c.text):
                continue  # '大过年的还在学习，我是不是很拼': a judgement of a person sought
            if not self._served(parts[max(0, i - 1):i + 1]) and not self._personal(c, parts[max(0, i - 2):i + 3]) and self._idle(c, told):
                continue
            if self._unasked(c, parts, i, told):
                continue
            return True
        if opting_out:  # '怎么设置才能收不到你们的消息': the opt-out asked is no problem told ('收不到')
            parts = [c for i, c in enumerate(parts) if not self.optout.said_as_question(parts, i)]
        if opting_out:  # '把我移出群发吧': the words of the opt-out are no problem told ('移出群')
            parts = [Clause(self.optout.optout_words.removed(c.text), c.asked, c.spaced) for c in parts]
        return self._trouble(parts)

    def _reported(self, clause: Clause, reported: bool) -> tuple[Clause, bool]:
        """'我室友问我天天听什么课': the clause up to 问我 (what follows is the other's question), and whether one was
        reported."""
        found = self.scope.reported.spans(clause.text)[:1] or self.suggested.spans(clause.text)[:1]
        if not found:
            remark = self.remarked.spans(clause.text)[:1]  # '我老公说我天天学理财是不是要发财了': their remark
            if remark and self.remarkers.within(clause.text[:remark[0][0]]):
                return Clause(clause.text[:remark[0][0]], False, clause.spaced), True
            return clause, reported
        before = clause.text[:found[0][0]]
        if self.scope.third_party.within(before) or self.askers.within(before):
            return Clause(before, False, clause.spaced), True
        return clause, reported

    def _claimed(self, before: list[Clause]) -> bool:
        """'我儿子说基金都是骗人的', '邻居说定投稳赚', '听同事讲…': a claim another made (one who remarks or asks, then
        说 or 讲)."""
        text = "".join(c.text for c in before)  # a run-on's claim may be cut in two ('我女婿说基金定投|就是交智商税')
        said = next((k for k, ch in enumerate(text) if ch in "说讲"), -1)  # '听同事讲…' as '同事说…'
        who = text[:said]
        return said > 0 and self.about.within(text) and (
            self.remarkers.within(who) or self.askers.within(who) or self.scope.third_party.within(who))

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
            sighing = sighing or strip_particles(c.text, PARTICLES).endswith(self.sighs) or self.wishes.within(c.text)
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
        if self.scoffs.within(said) or _CHALLENGE.search(said) or _NO_POINT.search(said) or _WHAT_FOR.search(said) or (
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
        reacted = i and self.reactions.removed(strip_particles(self.scope.core(parts[i - 1].text), PARTICLES)) == ""
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
        said = strip_particles(asked, ("吗", "么", "嘛", "不", "没"))
        if said != asked and said and strip_particles(after, PARTICLES) == said:
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
        if self.optout.optout_others.within(before) or before.endswith(_HABITUAL) and "请" not in before:
            return False  # '银行天天给我发短信推销': what another does, or what is done all the time, told
        return not self.scope.negation.within(before) and not self.scope.plan.within(clause.text)

    def _served(self, parts: list[Clause]) -> bool:
        """Does the asking clause (or the one before it, which may name the topic: '那个回放，在哪看') speak of what the
        advisor serves: the course, money and products, an account or the app, or ask for help as such?"""
        if any(self.about.within(c.text) or self.about_help.within(c.text) and not self.social.within(c.text)
               for c in parts):
            return True
        return any(self.about_weak.within(c.text) for c in parts) and not any(self.social.within(c.text) for c in parts)

    def _personal(self, clause: Clause, near: list[Clause]) -> bool:
        """'老师您是哪里人', '您多大了', '老师做这行几年了', '老师结婚了吗': a question asked of the advisor about themselves
        (their origin, age, family, career, likes) - not their meal or rest asked as a greeting ('老师吃饭了吗'), nor
        pity ('你们周末也上班吗，太辛苦了'). `near`: the clause and the two either side (bounded: linear in the message)."""
        if self.personal_work.within(clause.text) and any(w in clause.text for w in ("您", "你", "老师")):
            return True  # '老师你一天要回复多少人啊，累不累': their work itself asked about (its pity besides)
        if not self.personal.within(clause.text) or any(self.personal_not.within(c.text) for c in near):
            return False
        return any(w in c.text for c in near for w in ("您", "你", "老师"))

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
        return told.sighing or self._habit.search(clause.text) is not None or (
            _ALWAYS.search(clause.text) is not None and not self.about.within(clause.text))

    def _amused(self, clause: Clause, told: _Told) -> bool:
        """'好家伙，收益这么高吗哈哈': surprise at a degree, laughing - a reaction."""
        return told.laughing and _DEGREE.search(self.scope.core(clause.text)) is not None

    def _troubled(self, text: str) -> bool:
        """'红包领不了', '余额宝的钱转不出来': something the member cannot do (a problem told)."""
        if self.unneeded.within(text):
            text = self.unneeded.removed(text)  # '这个红包我用不着，谢谢': no use for it, no problem
        text = self.scope.indifferent(text)  # '提醒开不开都可以': indifference, no problem ('打不开' is one)
        return self.trouble.within(text) or _CANT.search(text) is not None or _SHOWN.search(text) is not None or \
            _FAILS.search(text) is not None

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

    def _trouble(self, parts: list[Clause]) -> bool:
        """'红包领不了', '付款的时候没显示', '我老公没收到' (a relative's problem asks too) - not '刚才领不了，现在好了',
        '他的登不上，他自己弄'."""
        if not any(self._troubled(c.text) for c in parts):
            return False
        return not any(self.solved.within(c.text) or self.hearsay.within(c.text) for c in parts)
