"""Customer-message templates: what we say, in the customer's language, for each message kind.

Pure data and string formatting, no I/O: the send-message activity calls `render` and delivers
the result. The wording follows the customer-service literature the project is built on (see
the seed notes): listen and restate, apologise early and sincerely, thank the customer for
telling us, let them choose among solutions, explain a refusal with the reason and why the rule
exists, keep every promised callback, and follow up to confirm the fix.

Each language has one phrasebook: a flat dict of `str.format` templates with the same keys in
every language. A missing phrase raises `MissingTemplateError` rather than sending a half-message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from schemas.intake import Language
from schemas.messages import MessageContext, MessageKind, RenderedMessage
from schemas.remedies import DeclineCode, DeclineReason, Remedy


class MissingTemplateError(KeyError):
    """A phrase is missing for a language: a translation gap must fail loudly, not send junk."""

    def __str__(self) -> str:
        # KeyError's default str() wraps the message in quotes; keep it readable.
        return str(self.args[0]) if self.args else super().__str__()


# --- Phrasebooks --------------------------------------------------------------------------------
# Keys: "greeting"/"sign_off"; "subject.<kind>"; "remedy.<kind>" and "remedy.<kind>.amount";
# then body phrases grouped by message kind. Fields: {name}, {complaint_id}, {date}, {amount},
# {remedy}, {reference}, {field}, {rule}, {why}, {manager_title}.
# Inflected languages put free values after a colon or in parentheses so no case ending is needed.

_EN: dict[str, str] = {
    "greeting": "Dear {name},",
    "sign_off": "Kind regards,\nCustomer Care Team",
    "subject.acknowledgement": "We have received your complaint {complaint_id}",
    "subject.details_request": "A few questions about your complaint {complaint_id}",
    "subject.pause": "About your complaint {complaint_id}",
    "subject.apology": "Our apology regarding your complaint {complaint_id}",
    "subject.thanks": "Thank you for telling us (complaint {complaint_id})",
    "subject.proposals": "How we can put it right: options for complaint {complaint_id}",
    "subject.resolution": "What we have done about your complaint {complaint_id}",
    "subject.decline": "Our answer on your complaint {complaint_id}",
    "subject.escalation_notice": "A manager is reviewing your complaint {complaint_id}",
    "subject.callback": "An update on your complaint {complaint_id}",
    "subject.follow_up": "Is everything in order now? Complaint {complaint_id}",
    "subject.follow_up_reminder": "Did our message reach you? Complaint {complaint_id}",
    "subject.reopened": "We are taking up your complaint {complaint_id} again",
    "subject.closing": "Your complaint {complaint_id} is now closed",
    "remedy.replacement": "a replacement item",
    "remedy.replacement.amount": "a replacement item (value {amount})",
    "remedy.refund": "a refund",
    "remedy.refund.amount": "a refund of {amount}",
    "remedy.store_credit": "store credit",
    "remedy.store_credit.amount": "store credit of {amount}",
    "remedy.repair": "a repair at our expense",
    "remedy.repair.amount": "a repair at our expense (value {amount})",
    "remedy.discount": "a discount",
    "remedy.discount.amount": "a discount of {amount}",
    "remedy.explanation": "a detailed explanation of how to use the product",
    "remedy.explanation.amount": (
        "a detailed explanation of how to use the product (value {amount})"
    ),
    "ack.received": (
        "Thank you for contacting us. We have received your complaint and registered it under "
        "number {complaint_id}."
    ),
    "ack.listening": (
        "We have carefully read everything you wrote, and we will look into the matter thoroughly. "
        "If we have misunderstood anything, or if you would like to add something, simply reply to "
        "this message: we are listening."
    ),
    "ack.next": "We will get back to you as soon as we have looked into it.",
    "details.intro": "To sort this out properly, we need a few more details from you:",
    "details.q.order_reference": "What is your order number?",
    "details.q.purchase_date": "On what date did you make the purchase?",
    "details.q.receipt_present": "Do you still have the receipt? (yes/no)",
    "details.q.amount": "What amount did you pay?",
    "details.q.employee_reference": (
        "Which employee served you? (name or badge number, if you know it)"
    ),
    "details.q_open": "Is there anything else you can tell us about what happened?",
    "details.reply_by": "Please reply by {date}.",
    "details.thanks": "Thank you for helping us get this right.",
    "pause.body": (
        "We want to help you resolve this matter. However, we cannot continue the conversation in "
        "its current tone."
    ),
    "pause.next": (
        "Your complaint remains registered and nothing has been lost. A specialist will contact "
        "you at another time, so that we can calmly look for a solution together."
    ),
    "apology.body": (
        "We are sincerely sorry for what happened and for the trouble it has caused you. This is "
        "not the experience we want any customer to have, and we take it seriously."
    ),
    "apology.next": (
        "We are already working on your complaint {complaint_id} and will keep you informed at "
        "every step."
    ),
    "thanks.body": (
        "Thank you for taking the time to tell us about this. Most customers who are disappointed "
        "never say so; they simply leave. By telling us, you have given us the chance to put "
        "things right."
    ),
    "thanks.improve": "What you have told us helps us improve, for you and for all our customers.",
    "proposals.intro": (
        "We have looked into your complaint and would like you to choose how we put things right. "
        "We can offer you the following:"
    ),
    "proposals.default_mark": " (our recommendation)",
    "proposals.choose_by": "Please let us know which option you prefer by {date}.",
    "proposals.choose": "Please let us know which option you prefer.",
    "proposals.other": (
        "If you have a different solution in mind, tell us and we will gladly consider it."
    ),
    "resolution.done": "We have arranged the following for you: {remedy}.",
    "resolution.done_generic": "We have completed the steps to resolve your complaint.",
    "resolution.reference": "Your reference number: {reference}.",
    "resolution.next.replacement": (
        "We will let you know as soon as the replacement is ready to be sent or collected."
    ),
    "resolution.next.refund": (
        "The money will be returned to your original payment method; depending on your bank, this "
        "may take a few working days."
    ),
    "resolution.next.store_credit": (
        "The credit has been added to your customer account, and you can use it on any future "
        "purchase."
    ),
    "resolution.next.repair": (
        "We will let you know as soon as the repair is finished and the item is ready."
    ),
    "resolution.next.discount": (
        "The discount will be applied as agreed; you will find the details in your confirmation."
    ),
    "resolution.next.explanation": (
        "If anything is still unclear, just reply and we will gladly go through it with you again."
    ),
    "resolution.next_generic": "If anything is unclear, simply reply to this message.",
    "resolution.follow_up_on": (
        "On {date} we will contact you to make sure everything has really been put right."
    ),
    "resolution.follow_up_soon": (
        "In a few days we will contact you to make sure everything has really been put right."
    ),
    "decline.intro": (
        "Thank you for your patience while we looked into your request. We are sorry, but we "
        "cannot agree to it in this form, and we want to explain honestly why."
    ),
    "decline.reason.outside_return_window": (
        "The purchase falls outside our return period. We have a fixed return period so that "
        "returned goods can still be resold in good condition, which keeps our prices fair for "
        "every customer."
    ),
    "decline.reason.no_receipt": (
        "We have no proof of purchase, such as a receipt. We ask for it because it shows when and "
        "where the item was bought, which protects you and every other customer from mistakes and "
        "misuse."
    ),
    "decline.reason.beyond_authority": (
        "Your request goes beyond what can be approved at this level. Decisions of this size are "
        "taken by a manager, so that they are weighed carefully and made in the same way for every "
        "customer."
    ),
    "decline.reason.manager_denied": (
        "Our manager has personally reviewed your request and was unable to approve it. Cases like "
        "yours are decided by a manager so that every customer is treated fairly and by the same "
        "standards."
    ),
    "decline.manager_words": "In the manager's own words: “{rule}”",
    "decline.understanding": (
        "We understand that this is not the answer you were hoping for, and that it is "
        "disappointing. In your place, we would feel the same."
    ),
    "decline.alternatives_intro": "Here is what we can offer you instead:",
    "decline.appeal": (
        "If you disagree with this decision, you can ask for it to be reviewed by a manager: "
        "simply reply to this message."
    ),
    "decline.reply_by": "Please let us know by {date}.",
    "escalation.handover": (
        "To find the best possible solution, we have passed your complaint to a manager who has "
        "more authority to decide in cases like yours."
    ),
    "escalation.handover_titled": (
        "To find the best possible solution, we have passed your complaint to our {manager_title}, "
        "who has more authority to decide in cases like yours."
    ),
    "escalation.callback_by": (
        "We will call you back by {date} at the latest to tell you where things stand, even if "
        "there is no final decision by then."
    ),
    "escalation.callback_soon": (
        "We will get back to you as soon as there is news, and we will not leave you waiting "
        "without a word."
    ),
    "callback.status": (
        "As promised, we are getting in touch. We do not have a final answer yet, but we are still "
        "working on your complaint and have not forgotten you."
    ),
    "callback.next": "We will contact you again by {date}, with or without news.",
    "callback.thanks": "Thank you for your patience.",
    "follow_up.check": (
        "We recently resolved your complaint {complaint_id}, and we would like to make sure that "
        "everything really works as it should now."
    ),
    "follow_up.question": (
        "Has the problem been fully solved? We would also be glad to hear what you thought of the "
        "way we handled your complaint."
    ),
    "follow_up.reply_by": "Please reply by {date}.",
    "follow_up.reopen": (
        "If something is still not right, tell us and we will take it up again straight away."
    ),
    "reminder.check": (
        "A little while ago we wrote to ask whether the solution to your complaint {complaint_id} "
        "has worked. We want to make sure our message reached you."
    ),
    "reminder.question": (
        "A short reply is enough: is everything in order now, or is something still not right?"
    ),
    "reminder.reply_by": "Please reply by {date}.",
    "reopened.apology": (
        "We are very sorry that our solution did not fix the problem. Thank you for letting us "
        "know; that was exactly the right thing to do."
    ),
    "reopened.next": (
        "We have reopened your complaint and are taking it up again as a priority. We will contact "
        "you shortly about the next steps."
    ),
    "closing.resolved_confirmed": (
        "We are glad to hear that everything works now. Thank you for confirming it, and thank you "
        "again for telling us about the problem in the first place. We have closed your complaint "
        "{complaint_id}."
    ),
    "closing.resolved_unconfirmed": (
        "As we have not heard back from you, we assume that everything is now in order, and we "
        "have closed your complaint {complaint_id}. If anything is still not right, you can "
        "contact us at any time: simply reply to this message."
    ),
    "closing.declined": (
        "We are sorry that we could not do more for you this time. We have closed your complaint "
        "{complaint_id}, but our door remains open: if anything changes or you have further "
        "questions, please contact us at any time."
    ),
    "closing.withdrawn": (
        "We confirm that you have withdrawn your complaint {complaint_id}, and we have closed it. "
        "Thank you for telling us about the matter; it still helps us improve. If you need "
        "anything, we are here for you."
    ),
    "closing.default": (
        "We have closed your complaint {complaint_id}. If there is anything else we can do for "
        "you, please contact us at any time."
    ),
}

_RU: dict[str, str] = {
    "greeting": "Здравствуйте, {name}!",
    "sign_off": "С уважением,\nслужба поддержки клиентов",
    "subject.acknowledgement": "Мы получили Ваше обращение {complaint_id}",
    "subject.details_request": "Несколько вопросов по Вашему обращению {complaint_id}",
    "subject.pause": "О Вашем обращении {complaint_id}",
    "subject.apology": "Приносим извинения: обращение {complaint_id}",
    "subject.thanks": "Спасибо, что сообщили нам (обращение {complaint_id})",
    "subject.proposals": "Варианты решения по обращению {complaint_id}",
    "subject.resolution": "Что мы сделали по Вашему обращению {complaint_id}",
    "subject.decline": "Наш ответ по Вашему обращению {complaint_id}",
    "subject.escalation_notice": "Ваше обращение {complaint_id} рассматривает руководитель",
    "subject.callback": "Как продвигается Ваше обращение {complaint_id}",
    "subject.follow_up": "Всё ли теперь в порядке? Обращение {complaint_id}",
    "subject.follow_up_reminder": "Дошло ли до Вас наше письмо? Обращение {complaint_id}",
    "subject.reopened": "Мы снова занимаемся Вашим обращением {complaint_id}",
    "subject.closing": "Ваше обращение {complaint_id} закрыто",
    "remedy.replacement": "замена товара",
    "remedy.replacement.amount": "замена товара (стоимость {amount})",
    "remedy.refund": "возврат денег",
    "remedy.refund.amount": "возврат денег в размере {amount}",
    "remedy.store_credit": "сертификат на покупки в нашем магазине",
    "remedy.store_credit.amount": "сертификат на покупки в нашем магазине на сумму {amount}",
    "remedy.repair": "ремонт за наш счёт",
    "remedy.repair.amount": "ремонт за наш счёт (стоимость {amount})",
    "remedy.discount": "скидка",
    "remedy.discount.amount": "скидка в размере {amount}",
    "remedy.explanation": "подробное объяснение, как пользоваться товаром",
    "remedy.explanation.amount": (
        "подробное объяснение, как пользоваться товаром (стоимость {amount})"
    ),
    "ack.received": (
        "Благодарим Вас за обращение. Мы получили его и зарегистрировали под номером "
        "{complaint_id}."
    ),
    "ack.listening": (
        "Мы внимательно прочитали всё, что Вы написали, и тщательно разберёмся в ситуации. Если мы "
        "что-то поняли неверно или Вы хотите что-то добавить, просто ответьте на это письмо: мы "
        "Вас слушаем."
    ),
    "ack.next": "Мы свяжемся с Вами, как только разберёмся в ситуации.",
    "details.intro": (
        "Чтобы как следует во всём разобраться, нам нужно уточнить у Вас несколько деталей:"
    ),
    "details.q.order_reference": "Какой номер у Вашего заказа?",
    "details.q.purchase_date": "Какого числа Вы совершили покупку?",
    "details.q.receipt_present": "Сохранился ли у Вас чек? (да/нет)",
    "details.q.amount": "Какую сумму Вы заплатили?",
    "details.q.employee_reference": (
        "Какой сотрудник Вас обслуживал? (имя или номер бейджа, если знаете)"
    ),
    "details.q_open": "Можете ли Вы рассказать нам ещё что-нибудь о том, что произошло?",
    "details.reply_by": "Пожалуйста, ответьте до {date}.",
    "details.thanks": "Спасибо, что помогаете нам во всём разобраться.",
    "pause.body": (
        "Мы хотим помочь Вам решить этот вопрос. Однако продолжать разговор в таком тоне мы, к "
        "сожалению, не можем."
    ),
    "pause.next": (
        "Ваше обращение остаётся зарегистрированным, ничего не потеряно. Наш специалист свяжется с "
        "Вами в другое время, чтобы мы могли спокойно найти решение вместе."
    ),
    "apology.body": (
        "Мы искренне сожалеем о случившемся и о неудобствах, которые это Вам доставило. Мы не "
        "хотим, чтобы кто-либо из наших клиентов сталкивался с подобным, и относимся к этому со "
        "всей серьёзностью."
    ),
    "apology.next": (
        "Мы уже работаем над Вашим обращением {complaint_id} и будем сообщать Вам о каждом шаге."
    ),
    "thanks.body": (
        "Спасибо, что нашли время рассказать нам об этом. Большинство недовольных клиентов ничего "
        "не говорят: они просто уходят. Рассказав нам о проблеме, Вы дали нам возможность всё "
        "исправить."
    ),
    "thanks.improve": (
        "Ваш отзыв помогает нам становиться лучше — для Вас и для всех наших клиентов."
    ),
    "proposals.intro": (
        "Мы разобрались в Вашем обращении и хотели бы, чтобы Вы сами выбрали, как нам всё "
        "исправить. Мы можем предложить следующее:"
    ),
    "proposals.default_mark": " (рекомендуем)",
    "proposals.choose_by": "Пожалуйста, сообщите до {date}, какой вариант Вы выбираете.",
    "proposals.choose": "Пожалуйста, сообщите, какой вариант Вы выбираете.",
    "proposals.other": "Если Вы видите другое решение, расскажите нам — мы охотно его рассмотрим.",
    "resolution.done": "Мы оформили для Вас: {remedy}.",
    "resolution.done_generic": "Мы выполнили все необходимые шаги по Вашему обращению.",
    "resolution.reference": "Номер для справок: {reference}.",
    "resolution.next.replacement": (
        "Мы сообщим Вам, как только замена будет готова к отправке или выдаче."
    ),
    "resolution.next.refund": (
        "Деньги вернутся тем же способом, которым Вы оплатили покупку; в зависимости от банка это "
        "может занять несколько рабочих дней."
    ),
    "resolution.next.store_credit": (
        "Сертификат уже оформлен на Ваше имя, и Вы можете использовать его при любой следующей "
        "покупке."
    ),
    "resolution.next.repair": (
        "Мы сообщим Вам, как только ремонт будет завершён и товар будет готов."
    ),
    "resolution.next.discount": (
        "Скидка будет предоставлена, как мы договорились; подробности Вы найдёте в подтверждении."
    ),
    "resolution.next.explanation": (
        "Если что-то осталось непонятным, просто ответьте на это письмо, и мы с удовольствием "
        "объясним ещё раз."
    ),
    "resolution.next_generic": "Если что-то непонятно, просто ответьте на это письмо.",
    "resolution.follow_up_on": (
        "{date} мы свяжемся с Вами, чтобы убедиться, что всё действительно в порядке."
    ),
    "resolution.follow_up_soon": (
        "Через несколько дней мы свяжемся с Вами, чтобы убедиться, что всё действительно в порядке."
    ),
    "decline.intro": (
        "Спасибо за терпение, пока мы рассматривали Ваш запрос. К сожалению, мы не можем "
        "удовлетворить его в таком виде и хотим честно объяснить почему."
    ),
    "decline.reason.outside_return_window": (
        "Срок возврата для этой покупки уже истёк. Мы устанавливаем срок возврата, чтобы "
        "возвращённый товар можно было снова продать в хорошем состоянии: это позволяет сохранять "
        "честные цены для всех покупателей."
    ),
    "decline.reason.no_receipt": (
        "У нас нет подтверждения покупки, например чека. Мы просим его, потому что чек показывает, "
        "где и когда был куплен товар, и тем самым защищает и Вас, и других покупателей от ошибок "
        "и злоупотреблений."
    ),
    "decline.reason.beyond_authority": (
        "Ваш запрос выходит за рамки того, что можно одобрить на нашем уровне. Решения такого "
        "масштаба принимает руководитель, чтобы они были тщательно взвешены и одинаковы для всех "
        "клиентов."
    ),
    "decline.reason.manager_denied": (
        "Наш руководитель лично рассмотрел Ваш запрос и, к сожалению, не смог его одобрить. Такие "
        "случаи решает руководитель, чтобы ко всем клиентам подходили справедливо и по одним и тем "
        "же правилам."
    ),
    "decline.manager_words": "Слова руководителя: «{rule}»",
    "decline.understanding": (
        "Мы понимаем, что Вы надеялись на другой ответ и что он Вас огорчает. На Вашем месте мы "
        "чувствовали бы то же самое."
    ),
    "decline.alternatives_intro": "Вот что мы можем предложить Вам взамен:",
    "decline.appeal": (
        "Если Вы не согласны с этим решением, Вы можете попросить, чтобы его пересмотрел "
        "руководитель: просто ответьте на это письмо."
    ),
    "decline.reply_by": "Пожалуйста, дайте нам знать до {date}.",
    "escalation.handover": (
        "Чтобы найти наилучшее решение, мы передали Ваше обращение руководителю, у которого больше "
        "полномочий для решения подобных вопросов."
    ),
    "escalation.handover_titled": (
        "Чтобы найти наилучшее решение, мы передали Ваше обращение руководителю, у которого больше "
        "полномочий для решения подобных вопросов ({manager_title})."
    ),
    "escalation.callback_by": (
        "Мы перезвоним Вам не позднее {date} и расскажем, как обстоят дела, даже если "
        "окончательного решения к тому времени ещё не будет."
    ),
    "escalation.callback_soon": (
        "Мы свяжемся с Вами, как только появятся новости, и не оставим Вас без ответа."
    ),
    "callback.status": (
        "Как и обещали, выходим на связь. Окончательного ответа пока нет, но мы продолжаем "
        "работать над Вашим обращением и не забыли о Вас."
    ),
    "callback.next": "Мы снова свяжемся с Вами не позднее {date}, даже если новостей не будет.",
    "callback.thanks": "Спасибо за Ваше терпение.",
    "follow_up.check": (
        "Недавно мы решили вопрос по Вашему обращению {complaint_id} и хотим убедиться, что теперь "
        "всё действительно работает как надо."
    ),
    "follow_up.question": (
        "Проблема полностью решена? Нам также очень важно узнать Ваше мнение о том, как мы "
        "работали с Вашим обращением."
    ),
    "follow_up.reply_by": "Пожалуйста, ответьте до {date}.",
    "follow_up.reopen": "Если что-то всё ещё не так, напишите нам, и мы сразу снова займёмся этим.",
    "reminder.check": (
        "Недавно мы спрашивали Вас, помогло ли решение по обращению {complaint_id}. Хотим "
        "убедиться, что наше письмо до Вас дошло."
    ),
    "reminder.question": (
        "Достаточно короткого ответа: всё ли теперь в порядке или что-то по-прежнему не так?"
    ),
    "reminder.reply_by": "Пожалуйста, ответьте до {date}.",
    "reopened.apology": (
        "Нам очень жаль, что наше решение не устранило проблему. Спасибо, что сообщили нам об "
        "этом: Вы поступили совершенно правильно."
    ),
    "reopened.next": (
        "Мы снова открыли Ваше обращение и занимаемся им в первую очередь. В ближайшее время мы "
        "свяжемся с Вами и расскажем о следующих шагах."
    ),
    "closing.resolved_confirmed": (
        "Мы рады, что теперь всё в порядке. Спасибо, что подтвердили это, и ещё раз спасибо, что "
        "рассказали нам о проблеме. Мы закрыли Ваше обращение {complaint_id}."
    ),
    "closing.resolved_unconfirmed": (
        "Поскольку мы не получили от Вас ответа, мы считаем, что всё в порядке, и закрыли Ваше "
        "обращение {complaint_id}. Если что-то всё же не так, Вы можете связаться с нами в любое "
        "время: просто ответьте на это письмо."
    ),
    "closing.declined": (
        "Нам жаль, что на этот раз мы не смогли сделать для Вас больше. Мы закрыли Ваше обращение "
        "{complaint_id}, но наши двери всегда открыты: если что-то изменится или у Вас появятся "
        "вопросы, обращайтесь в любое время."
    ),
    "closing.withdrawn": (
        "Подтверждаем, что Вы отозвали своё обращение {complaint_id}, и мы его закрыли. Спасибо, "
        "что рассказали нам о ситуации: это всё равно помогает нам становиться лучше. Если Вам "
        "что-то понадобится, мы всегда на связи."
    ),
    "closing.default": (
        "Мы закрыли Ваше обращение {complaint_id}. Если мы можем ещё чем-то помочь, обращайтесь в "
        "любое время."
    ),
}

_ET: dict[str, str] = {
    "greeting": "Tere, {name}!",
    "sign_off": "Lugupidamisega\nklienditeenindus",
    "subject.acknowledgement": "Oleme Teie pöördumise {complaint_id} kätte saanud",
    "subject.details_request": "Mõned küsimused Teie pöördumise {complaint_id} kohta",
    "subject.pause": "Teie pöördumise {complaint_id} kohta",
    "subject.apology": "Meie vabandus seoses pöördumisega {complaint_id}",
    "subject.thanks": "Aitäh, et andsite meile teada (pöördumine {complaint_id})",
    "subject.proposals": "Lahendusvõimalused pöördumisele {complaint_id}",
    "subject.resolution": "Mida oleme teinud Teie pöördumise {complaint_id} lahendamiseks",
    "subject.decline": "Meie vastus Teie pöördumisele {complaint_id}",
    "subject.escalation_notice": "Teie pöördumise {complaint_id} vaatab üle juht",
    "subject.callback": "Teie pöördumise {complaint_id} seis",
    "subject.follow_up": "Kas nüüd on kõik korras? Pöördumine {complaint_id}",
    "subject.follow_up_reminder": "Kas meie kiri jõudis Teieni? Pöördumine {complaint_id}",
    "subject.reopened": "Võtame Teie pöördumise {complaint_id} uuesti käsile",
    "subject.closing": "Teie pöördumine {complaint_id} on suletud",
    "remedy.replacement": "toote asendamine",
    "remedy.replacement.amount": "toote asendamine (väärtus {amount})",
    "remedy.refund": "raha tagastamine",
    "remedy.refund.amount": "raha tagastamine summas {amount}",
    "remedy.store_credit": "ostukrediit meie poes",
    "remedy.store_credit.amount": "ostukrediit meie poes summas {amount}",
    "remedy.repair": "parandus meie kulul",
    "remedy.repair.amount": "parandus meie kulul (väärtus {amount})",
    "remedy.discount": "allahindlus",
    "remedy.discount.amount": "allahindlus summas {amount}",
    "remedy.explanation": "põhjalik selgitus toote kasutamise kohta",
    "remedy.explanation.amount": "põhjalik selgitus toote kasutamise kohta (väärtus {amount})",
    "ack.received": (
        "Täname, et pöördusite meie poole. Oleme Teie pöördumise kätte saanud ja registreerinud "
        "numbriga {complaint_id}."
    ),
    "ack.listening": (
        "Lugesime hoolikalt läbi kõik, mida kirjutasite, ja uurime asja põhjalikult. Kui oleme "
        "midagi valesti mõistnud või soovite midagi lisada, vastake lihtsalt sellele kirjale: me "
        "kuulame Teid."
    ),
    "ack.next": "Võtame Teiega ühendust niipea, kui oleme asja uurinud.",
    "details.intro": "Et saaksime asja korralikult lahendada, vajame Teilt veel mõningaid andmeid:",
    "details.q.order_reference": "Mis on Teie tellimuse number?",
    "details.q.purchase_date": "Mis kuupäeval Te ostu sooritasite?",
    "details.q.receipt_present": "Kas ostutšekk on Teil alles? (jah/ei)",
    "details.q.amount": "Kui suure summa Te maksite?",
    "details.q.employee_reference": (
        "Milline töötaja Teid teenindas? (nimi või nimesildi number, kui teate)"
    ),
    "details.q_open": "Kas saate meile juhtunu kohta veel midagi rääkida?",
    "details.reply_by": "Palun vastake hiljemalt {date}.",
    "details.thanks": "Täname, et aitate meil asja selgeks teha.",
    "pause.body": (
        "Soovime Teid selles küsimuses aidata. Kahjuks ei saa me aga vestlust sellisel toonil "
        "jätkata."
    ),
    "pause.next": (
        "Teie pöördumine on endiselt registreeritud ja midagi ei ole kadunud. Meie spetsialist "
        "võtab Teiega ühendust mõnel teisel ajal, et saaksime üheskoos rahulikult lahenduse leida."
    ),
    "apology.body": (
        "Meil on siiralt kahju juhtunu ja Teile tekitatud ebamugavuste pärast. Me ei soovi, et "
        "ükski meie klient midagi sellist kogeks, ja suhtume sellesse täie tõsidusega."
    ),
    "apology.next": (
        "Tegeleme Teie pöördumisega {complaint_id} juba praegu ja hoiame Teid iga sammu juures "
        "kursis."
    ),
    "thanks.body": (
        "Aitäh, et leidsite aega meile sellest rääkida. Enamik pettunud kliente ei ütle meile "
        "midagi, vaid lihtsalt lahkub. Meile teada andes andsite meile võimaluse asi heastada."
    ),
    "thanks.improve": (
        "Teie tagasiside aitab meil paremaks saada – nii Teie kui ka kõigi meie klientide jaoks."
    ),
    "proposals.intro": (
        "Oleme Teie pöördumise läbi vaadanud ja soovime, et saaksite ise valida, kuidas olukorra "
        "heastame. Saame pakkuda järgmist:"
    ),
    "proposals.default_mark": " (meie soovitus)",
    "proposals.choose_by": "Palun andke meile hiljemalt {date} teada, millise võimaluse valite.",
    "proposals.choose": "Palun andke meile teada, millise võimaluse valite.",
    "proposals.other": (
        "Kui Teil on silmas mõni muu lahendus, andke teada – kaalume seda hea meelega."
    ),
    "resolution.done": "Oleme Teie jaoks korraldanud järgmise: {remedy}.",
    "resolution.done_generic": "Oleme teinud kõik vajalikud sammud Teie pöördumise lahendamiseks.",
    "resolution.reference": "Viitenumber: {reference}.",
    "resolution.next.replacement": (
        "Anname Teile teada kohe, kui asendustoode on saatmiseks või kättesaamiseks valmis."
    ),
    "resolution.next.refund": (
        "Raha kantakse tagasi samale maksevahendile, millega ostu eest tasusite; olenevalt pangast "
        "võib see võtta mõne tööpäeva."
    ),
    "resolution.next.store_credit": (
        "Ostukrediit on lisatud Teie kliendikontole ja saate seda kasutada mis tahes järgmisel "
        "ostul."
    ),
    "resolution.next.repair": "Anname Teile teada kohe, kui parandus on tehtud ja toode on valmis.",
    "resolution.next.discount": (
        "Allahindlus rakendatakse kokkulepitud viisil; üksikasjad leiate kinnitusest."
    ),
    "resolution.next.explanation": (
        "Kui midagi jäi veel ebaselgeks, vastake lihtsalt sellele kirjale ja selgitame hea meelega "
        "uuesti."
    ),
    "resolution.next_generic": "Kui midagi on ebaselge, vastake lihtsalt sellele kirjale.",
    "resolution.follow_up_on": (
        "{date} võtame Teiega ühendust, et veenduda, et kõik on tõesti korras."
    ),
    "resolution.follow_up_soon": (
        "Mõne päeva pärast võtame Teiega ühendust, et veenduda, et kõik on tõesti korras."
    ),
    "decline.intro": (
        "Täname kannatlikkuse eest, kuni Teie taotlust läbi vaatasime. Kahjuks ei saa me seda "
        "sellisel kujul rahuldada ja tahame ausalt selgitada, miks."
    ),
    "decline.reason.outside_return_window": (
        "Ost on tehtud väljaspool meie tagastusaega. Meil on kindel tagastusaeg, et tagastatud "
        "kaupa saaks heas seisukorras uuesti müüa: nii saame hoida hinnad kõigi klientide jaoks "
        "õiglased."
    ),
    "decline.reason.no_receipt": (
        "Meil puudub ostu tõendav dokument, näiteks ostutšekk. Küsime seda, sest tšekk näitab, "
        "millal ja kust kaup osteti, ning kaitseb nii Teid kui ka teisi kliente eksimuste ja "
        "kuritarvituste eest."
    ),
    "decline.reason.beyond_authority": (
        "Teie taotlus ületab selle, mida saame meie tasandil heaks kiita. Nii suuri otsuseid teeb "
        "juht, et need oleksid hoolikalt kaalutud ja kõigi klientide jaoks ühesugused."
    ),
    "decline.reason.manager_denied": (
        "Meie juht vaatas Teie taotluse isiklikult läbi, kuid ei saanud seda kahjuks heaks kiita. "
        "Selliseid juhtumeid otsustab juht, et kõiki kliente koheldaks õiglaselt ja samade "
        "põhimõtete järgi."
    ),
    "decline.manager_words": "Juhi enda sõnadega: „{rule}“",
    "decline.understanding": (
        "Mõistame, et see ei ole vastus, mida lootsite, ja et see teeb meele kurvaks. Teie asemel "
        "tunneksime samamoodi."
    ),
    "decline.alternatives_intro": "Selle asemel saame Teile pakkuda järgmist:",
    "decline.appeal": (
        "Kui Te selle otsusega ei nõustu, võite paluda, et juht selle üle vaataks: vastake "
        "lihtsalt sellele kirjale."
    ),
    "decline.reply_by": "Palun andke meile teada hiljemalt {date}.",
    "escalation.handover": (
        "Parima lahenduse leidmiseks andsime Teie pöördumise üle juhile, kellel on sellistes "
        "küsimustes otsustamiseks rohkem volitusi."
    ),
    "escalation.handover_titled": (
        "Parima lahenduse leidmiseks andsime Teie pöördumise üle juhile, kellel on sellistes "
        "küsimustes otsustamiseks rohkem volitusi ({manager_title})."
    ),
    "escalation.callback_by": (
        "Helistame Teile hiljemalt {date} ja räägime, kuidas asjad on, isegi kui lõplikku otsust "
        "selleks ajaks veel ei ole."
    ),
    "escalation.callback_soon": (
        "Võtame Teiega ühendust niipea, kui on uudiseid, ega jäta Teid teadmatusse."
    ),
    "callback.status": (
        "Nagu lubasime, võtame Teiega ühendust. Lõplikku vastust meil veel ei ole, kuid tegeleme "
        "Teie pöördumisega edasi ega ole Teid unustanud."
    ),
    "callback.next": (
        "Võtame Teiega uuesti ühendust hiljemalt {date}, ka siis, kui uudiseid veel ei ole."
    ),
    "callback.thanks": "Täname Teid kannatlikkuse eest.",
    "follow_up.check": (
        "Lahendasime hiljuti Teie pöördumise {complaint_id} ja soovime veenduda, et nüüd töötab "
        "kõik nii, nagu peab."
    ),
    "follow_up.question": (
        "Kas probleem on täielikult lahendatud? Meil oleks hea meel kuulda ka Teie arvamust selle "
        "kohta, kuidas me Teie pöördumisega tegelesime."
    ),
    "follow_up.reply_by": "Palun vastake hiljemalt {date}.",
    "follow_up.reopen": (
        "Kui midagi on endiselt valesti, andke meile teada ja võtame asja kohe uuesti käsile."
    ),
    "reminder.check": (
        "Kirjutasime Teile hiljuti, et küsida, kas pöördumise {complaint_id} lahendus on aidanud. "
        "Soovime veenduda, et meie kiri jõudis Teieni."
    ),
    "reminder.question": (
        "Piisab lühikesest vastusest: kas nüüd on kõik korras või on midagi endiselt valesti?"
    ),
    "reminder.reply_by": "Palun vastake hiljemalt {date}.",
    "reopened.apology": (
        "Meil on väga kahju, et meie lahendus probleemi ei kõrvaldanud. Aitäh, et andsite meile "
        "sellest teada: just nii oli õige toimida."
    ),
    "reopened.next": (
        "Avasime Teie pöördumise uuesti ja tegeleme sellega esmajärjekorras. Võtame Teiega peagi "
        "ühendust, et rääkida edasistest sammudest."
    ),
    "closing.resolved_confirmed": (
        "Meil on hea meel kuulda, et nüüd töötab kõik. Aitäh, et seda kinnitasite, ja veel kord "
        "aitäh, et meile probleemist üldse teada andsite. Oleme Teie pöördumise {complaint_id} "
        "sulgenud."
    ),
    "closing.resolved_unconfirmed": (
        "Kuna me ei ole Teilt vastust saanud, eeldame, et nüüd on kõik korras, ja oleme Teie "
        "pöördumise {complaint_id} sulgenud. Kui midagi ei ole siiski korras, võite meiega igal "
        "ajal ühendust võtta: vastake lihtsalt sellele kirjale."
    ),
    "closing.declined": (
        "Meil on kahju, et seekord ei saanud me Teie heaks rohkem teha. Oleme Teie pöördumise "
        "{complaint_id} sulgenud, kuid meie uks on Teile alati avatud: kui midagi muutub või Teil "
        "tekib küsimusi, võtke meiega igal ajal ühendust."
    ),
    "closing.withdrawn": (
        "Kinnitame, et olete oma pöördumise {complaint_id} tagasi võtnud, ja oleme selle sulgenud. "
        "Aitäh, et meile juhtunust rääkisite: see aitab meil ikkagi paremaks saada. Kui vajate "
        "midagi, oleme Teie jaoks olemas."
    ),
    "closing.default": (
        "Oleme Teie pöördumise {complaint_id} sulgenud. Kui saame veel kuidagi aidata, võtke "
        "meiega igal ajal ühendust."
    ),
}

_HR: dict[str, str] = {
    "greeting": "Dobar dan, {name}!",
    "sign_off": "Srdačan pozdrav,\nSlužba za korisnike",
    "subject.acknowledgement": "Zaprimili smo Vašu pritužbu {complaint_id}",
    "subject.details_request": "Nekoliko pitanja o Vašoj pritužbi {complaint_id}",
    "subject.pause": "O Vašoj pritužbi {complaint_id}",
    "subject.apology": "Naša isprika u vezi s pritužbom {complaint_id}",
    "subject.thanks": "Hvala što ste nam se obratili (pritužba {complaint_id})",
    "subject.proposals": "Mogućnosti rješenja za pritužbu {complaint_id}",
    "subject.resolution": "Što smo poduzeli u vezi s Vašom pritužbom {complaint_id}",
    "subject.decline": "Naš odgovor na Vašu pritužbu {complaint_id}",
    "subject.escalation_notice": "Vašu pritužbu {complaint_id} razmatra voditelj",
    "subject.callback": "Stanje Vaše pritužbe {complaint_id}",
    "subject.follow_up": "Je li sada sve u redu? Pritužba {complaint_id}",
    "subject.follow_up_reminder": "Je li Vam stigla naša poruka? Pritužba {complaint_id}",
    "subject.reopened": "Ponovno se bavimo Vašom pritužbom {complaint_id}",
    "subject.closing": "Vaša pritužba {complaint_id} je zatvorena",
    "remedy.replacement": "zamjena proizvoda",
    "remedy.replacement.amount": "zamjena proizvoda (vrijednost {amount})",
    "remedy.refund": "povrat novca",
    "remedy.refund.amount": "povrat novca u iznosu od {amount}",
    "remedy.store_credit": "vrijednosni bon za kupnju u našoj trgovini",
    "remedy.store_credit.amount": "vrijednosni bon za kupnju u našoj trgovini u iznosu od {amount}",
    "remedy.repair": "popravak o našem trošku",
    "remedy.repair.amount": "popravak o našem trošku (vrijednost {amount})",
    "remedy.discount": "popust",
    "remedy.discount.amount": "popust u iznosu od {amount}",
    "remedy.explanation": "detaljno objašnjenje korištenja proizvoda",
    "remedy.explanation.amount": "detaljno objašnjenje korištenja proizvoda (vrijednost {amount})",
    "ack.received": (
        "Hvala Vam što ste nam se obratili. Vašu smo pritužbu zaprimili i zaveli pod brojem "
        "{complaint_id}."
    ),
    "ack.listening": (
        "Pažljivo smo pročitali sve što ste napisali i temeljito ćemo ispitati slučaj. Ako smo "
        "nešto krivo razumjeli ili želite nešto dodati, jednostavno odgovorite na ovu poruku: "
        "slušamo Vas."
    ),
    "ack.next": "Javit ćemo Vam se čim ispitamo slučaj.",
    "details.intro": "Kako bismo sve ispravno riješili, trebamo od Vas još nekoliko podataka:",
    "details.q.order_reference": "Koji je broj Vaše narudžbe?",
    "details.q.purchase_date": "Kojeg ste datuma obavili kupnju?",
    "details.q.receipt_present": "Imate li još uvijek račun? (da/ne)",
    "details.q.amount": "Koliki ste iznos platili?",
    "details.q.employee_reference": (
        "Koji Vas je zaposlenik uslužio? (ime ili broj iskaznice, ako ga znate)"
    ),
    "details.q_open": "Možete li nam reći još nešto o tome što se dogodilo?",
    "details.reply_by": "Molimo Vas da odgovorite do {date}.",
    "details.thanks": "Hvala Vam što nam pomažete da sve ispravno riješimo.",
    "pause.body": (
        "Želimo Vam pomoći da riješimo ovaj problem. Međutim, razgovor u ovom tonu ne možemo "
        "nastaviti."
    ),
    "pause.next": (
        "Vaša je pritužba i dalje zavedena i ništa nije izgubljeno. Naš stručnjak javit će Vam se "
        "u neko drugo vrijeme kako bismo zajedno i u miru pronašli rješenje."
    ),
    "apology.body": (
        "Iskreno nam je žao zbog onoga što se dogodilo i zbog neugodnosti koje ste zbog toga "
        "imali. Ne želimo da itko od naših korisnika doživi nešto takvo i to shvaćamo vrlo "
        "ozbiljno."
    ),
    "apology.next": (
        "Već radimo na Vašoj pritužbi {complaint_id} i obavještavat ćemo Vas o svakom koraku."
    ),
    "thanks.body": (
        "Hvala Vam što ste odvojili vrijeme da nam to kažete. Većina nezadovoljnih korisnika "
        "nikada nam se ne javi, nego jednostavno ode. Time što ste nam se obratili, dali ste nam "
        "priliku da stvari ispravimo."
    ),
    "thanks.improve": (
        "Ono što ste nam rekli pomaže nam da budemo bolji, za Vas i za sve naše korisnike."
    ),
    "proposals.intro": (
        "Razmotrili smo Vašu pritužbu i željeli bismo da sami odaberete kako ćemo stvari "
        "ispraviti. Možemo Vam ponuditi sljedeće:"
    ),
    "proposals.default_mark": " (naša preporuka)",
    "proposals.choose_by": "Molimo Vas da nam do {date} javite koju mogućnost birate.",
    "proposals.choose": "Molimo Vas da nam javite koju mogućnost birate.",
    "proposals.other": "Ako imate na umu neko drugo rješenje, recite nam: rado ćemo ga razmotriti.",
    "resolution.done": "Za Vas smo osigurali sljedeće: {remedy}.",
    "resolution.done_generic": "Poduzeli smo sve potrebne korake za rješavanje Vaše pritužbe.",
    "resolution.reference": "Referentni broj: {reference}.",
    "resolution.next.replacement": (
        "Javit ćemo Vam čim zamjenski proizvod bude spreman za slanje ili preuzimanje."
    ),
    "resolution.next.refund": (
        "Novac će biti vraćen na isti način plaćanja kojim ste platili kupnju; ovisno o banci, to "
        "može potrajati nekoliko radnih dana."
    ),
    "resolution.next.store_credit": (
        "Vrijednosni bon izdan je na Vaše ime i možete ga iskoristiti pri bilo kojoj sljedećoj "
        "kupnji."
    ),
    "resolution.next.repair": "Javit ćemo Vam čim popravak bude gotov i proizvod spreman.",
    "resolution.next.discount": (
        "Popust će biti odobren kako smo dogovorili; pojedinosti ćete pronaći u potvrdi."
    ),
    "resolution.next.explanation": (
        "Ako Vam još nešto nije jasno, jednostavno odgovorite na ovu poruku i rado ćemo Vam sve "
        "ponovno objasniti."
    ),
    "resolution.next_generic": "Ako Vam nešto nije jasno, jednostavno odgovorite na ovu poruku.",
    "resolution.follow_up_on": (
        "Dana {date} javit ćemo Vam se kako bismo provjerili je li sve zaista u redu."
    ),
    "resolution.follow_up_soon": (
        "Za nekoliko dana javit ćemo Vam se kako bismo provjerili je li sve zaista u redu."
    ),
    "decline.intro": (
        "Hvala Vam na strpljenju dok smo razmatrali Vaš zahtjev. Nažalost, ne možemo ga prihvatiti "
        "u ovom obliku i želimo Vam iskreno objasniti zašto."
    ),
    "decline.reason.outside_return_window": (
        "Kupnja je izvan našeg roka za povrat. Imamo utvrđeni rok za povrat kako bi se vraćena "
        "roba mogla ponovno prodati u dobrom stanju: tako možemo zadržati poštene cijene za sve "
        "kupce."
    ),
    "decline.reason.no_receipt": (
        "Nemamo dokaz o kupnji, primjerice račun. Tražimo ga jer račun pokazuje kada je i gdje "
        "proizvod kupljen te tako štiti i Vas i druge kupce od pogrešaka i zlouporaba."
    ),
    "decline.reason.beyond_authority": (
        "Vaš zahtjev premašuje ono što možemo odobriti na našoj razini. Odluke takve veličine "
        "donosi voditelj kako bi bile pažljivo odvagnute i jednake za sve korisnike."
    ),
    "decline.reason.manager_denied": (
        "Naš je voditelj osobno razmotrio Vaš zahtjev i nažalost ga nije mogao odobriti. O takvim "
        "slučajevima odlučuje voditelj kako bi se prema svim korisnicima postupalo pošteno i po "
        "istim mjerilima."
    ),
    "decline.manager_words": "Voditeljevim riječima: „{rule}“",
    "decline.understanding": (
        "Razumijemo da to nije odgovor kojem ste se nadali i da Vas razočarava. Na Vašem mjestu i "
        "mi bismo se tako osjećali."
    ),
    "decline.alternatives_intro": "Umjesto toga možemo Vam ponuditi sljedeće:",
    "decline.appeal": (
        "Ako se ne slažete s ovom odlukom, možete zatražiti da je preispita voditelj: jednostavno "
        "odgovorite na ovu poruku."
    ),
    "decline.reply_by": "Molimo Vas da nam se javite do {date}.",
    "escalation.handover": (
        "Kako bismo pronašli najbolje moguće rješenje, Vašu smo pritužbu proslijedili voditelju "
        "koji ima više ovlasti za odlučivanje u ovakvim slučajevima."
    ),
    "escalation.handover_titled": (
        "Kako bismo pronašli najbolje moguće rješenje, Vašu smo pritužbu proslijedili voditelju "
        "koji ima više ovlasti za odlučivanje u ovakvim slučajevima ({manager_title})."
    ),
    "escalation.callback_by": (
        "Nazvat ćemo Vas najkasnije do {date} i reći Vam kako stvari stoje, čak i ako do tada još "
        "ne bude konačne odluke."
    ),
    "escalation.callback_soon": (
        "Javit ćemo Vam se čim budemo imali novosti i nećemo Vas ostaviti bez odgovora."
    ),
    "callback.status": (
        "Kao što smo obećali, javljamo Vam se. Konačan odgovor još nemamo, ali i dalje radimo na "
        "Vašoj pritužbi i nismo Vas zaboravili."
    ),
    "callback.next": "Ponovno ćemo Vam se javiti najkasnije do {date}, čak i ako ne bude novosti.",
    "callback.thanks": "Hvala Vam na strpljenju.",
    "follow_up.check": (
        "Nedavno smo riješili Vašu pritužbu {complaint_id} i željeli bismo se uvjeriti da sada sve "
        "zaista radi kako treba."
    ),
    "follow_up.question": (
        "Je li problem u potpunosti riješen? Rado bismo čuli i Vaše mišljenje o tome kako smo "
        "postupili s Vašom pritužbom."
    ),
    "follow_up.reply_by": "Molimo Vas da odgovorite do {date}.",
    "follow_up.reopen": (
        "Ako nešto još uvijek nije u redu, javite nam i odmah ćemo se ponovno pozabaviti time."
    ),
    "reminder.check": (
        "Nedavno smo Vam pisali kako bismo pitali je li rješenje Vaše pritužbe {complaint_id} "
        "pomoglo. Želimo se uvjeriti da je naša poruka stigla do Vas."
    ),
    "reminder.question": (
        "Dovoljan je kratak odgovor: je li sada sve u redu ili nešto još uvijek ne valja?"
    ),
    "reminder.reply_by": "Molimo Vas da odgovorite do {date}.",
    "reopened.apology": (
        "Jako nam je žao što naše rješenje nije otklonilo problem. Hvala Vam što ste nam to "
        "javili: postupili ste upravo ispravno."
    ),
    "reopened.next": (
        "Ponovno smo otvorili Vašu pritužbu i bavimo se njome kao prioritetom. Uskoro ćemo Vam se "
        "javiti u vezi sa sljedećim koracima."
    ),
    "closing.resolved_confirmed": (
        "Drago nam je čuti da sada sve radi. Hvala Vam što ste to potvrdili i još jednom hvala što "
        "ste nam uopće javili za problem. Vašu smo pritužbu {complaint_id} zatvorili."
    ),
    "closing.resolved_unconfirmed": (
        "Budući da nismo dobili Vaš odgovor, pretpostavljamo da je sada sve u redu te smo "
        "zatvorili Vašu pritužbu {complaint_id}. Ako ipak nešto nije u redu, možete nam se "
        "obratiti u bilo kojem trenutku: jednostavno odgovorite na ovu poruku."
    ),
    "closing.declined": (
        "Žao nam je što ovaj put nismo mogli učiniti više za Vas. Vašu smo pritužbu {complaint_id} "
        "zatvorili, ali naša su vrata i dalje otvorena: ako se nešto promijeni ili imate dodatnih "
        "pitanja, obratite nam se u bilo kojem trenutku."
    ),
    "closing.withdrawn": (
        "Potvrđujemo da ste povukli svoju pritužbu {complaint_id} te smo je zatvorili. Hvala Vam "
        "što ste nam ispričali što se dogodilo: to nam i dalje pomaže da budemo bolji. Ako Vam "
        "nešto zatreba, tu smo za Vas."
    ),
    "closing.default": (
        "Vašu smo pritužbu {complaint_id} zatvorili. Ako Vam možemo još u nečemu pomoći, obratite "
        "nam se u bilo kojem trenutku."
    ),
}

_ZH: dict[str, str] = {
    "greeting": "尊敬的{name}：",
    "sign_off": "祝好！\n客户服务团队",
    "subject.acknowledgement": "我们已收到您的投诉（编号 {complaint_id}）",
    "subject.details_request": "关于您的投诉 {complaint_id}，我们想再了解几个问题",
    "subject.pause": "关于您的投诉 {complaint_id}",
    "subject.apology": "就投诉 {complaint_id} 向您致歉",
    "subject.thanks": "感谢您告诉我们（投诉 {complaint_id}）",
    "subject.proposals": "投诉 {complaint_id} 的解决方案，请您选择",
    "subject.resolution": "我们针对投诉 {complaint_id} 采取的措施",
    "subject.decline": "关于您的投诉 {complaint_id} 的答复",
    "subject.escalation_notice": "您的投诉 {complaint_id} 已转交经理审核",
    "subject.callback": "投诉 {complaint_id} 的处理进展",
    "subject.follow_up": "现在一切正常吗？投诉 {complaint_id}",
    "subject.follow_up_reminder": "您收到我们的消息了吗？投诉 {complaint_id}",
    "subject.reopened": "我们正在重新处理您的投诉 {complaint_id}",
    "subject.closing": "您的投诉 {complaint_id} 已结案",
    "remedy.replacement": "更换商品",
    "remedy.replacement.amount": "更换商品（价值 {amount}）",
    "remedy.refund": "退款",
    "remedy.refund.amount": "退款 {amount}",
    "remedy.store_credit": "本店购物抵用金",
    "remedy.store_credit.amount": "本店购物抵用金 {amount}",
    "remedy.repair": "由我们承担费用的维修",
    "remedy.repair.amount": "由我们承担费用的维修（价值 {amount}）",
    "remedy.discount": "价格优惠",
    "remedy.discount.amount": "价格优惠 {amount}",
    "remedy.explanation": "详细讲解产品的使用方法",
    "remedy.explanation.amount": "详细讲解产品的使用方法（价值 {amount}）",
    "ack.received": "感谢您联系我们。我们已收到您的投诉，登记编号为 {complaint_id}。",
    "ack.listening": (
        "我们认真阅读了您写下的每一句话，并会彻底查明此事。如果我们有任何理解不当之处，"
        "或者您想补充什么，请直接回复此消息——我们在认真倾听。"
    ),
    "ack.next": "查明情况后，我们会尽快与您联系。",
    "details.intro": "为了妥善处理此事，我们还需要向您确认以下几点：",
    "details.q.order_reference": "您的订单号是多少？",
    "details.q.purchase_date": "您是哪一天购买的？",
    "details.q.receipt_present": "您还保留着购物小票吗？（是/否）",
    "details.q.amount": "您支付的金额是多少？",
    "details.q.employee_reference": "是哪位员工为您服务的？（如果知道，请提供姓名或工牌号）",
    "details.q_open": "关于事情的经过，您还有什么可以告诉我们的吗？",
    "details.reply_by": "请在 {date} 之前回复。",
    "details.thanks": "感谢您帮助我们把事情弄清楚。",
    "pause.body": "我们希望帮助您解决这个问题。但是，以目前的语气，我们无法继续这次对话。",
    "pause.next": (
        "您的投诉仍然有效，没有任何遗漏。我们的专员会在其他时间与您联系，"
        "以便我们心平气和地一起寻找解决办法。"
    ),
    "apology.body": (
        "对于所发生的事情以及给您带来的不便，我们深表歉意。我们不希望任何一位顾客有这样的经历，"
        "并且非常重视此事。"
    ),
    "apology.next": "我们已经在处理您的投诉 {complaint_id}，每一步进展都会及时告知您。",
    "thanks.body": (
        "感谢您抽出时间把这件事告诉我们。大多数感到失望的顾客从不开口，只是默默离开。您告诉了我们，"
        "就给了我们弥补的机会。"
    ),
    "thanks.improve": "您的反馈帮助我们不断改进，这对您和我们所有的顾客都有益处。",
    "proposals.intro": (
        "我们已经仔细研究了您的投诉，希望由您来选择我们如何弥补。我们可以为您提供以下方案："
    ),
    "proposals.default_mark": "（我们推荐）",
    "proposals.choose_by": "请在 {date} 之前告诉我们您选择哪个方案。",
    "proposals.choose": "请告诉我们您选择哪个方案。",
    "proposals.other": "如果您有其他解决办法，请告诉我们，我们很乐意考虑。",
    "resolution.done": "我们已为您安排：{remedy}。",
    "resolution.done_generic": "我们已完成解决您投诉所需的全部步骤。",
    "resolution.reference": "参考编号：{reference}。",
    "resolution.next.replacement": "替换商品一旦可以寄出或领取，我们会第一时间通知您。",
    "resolution.next.refund": "款项将按原支付方式退回；视您的银行而定，可能需要几个工作日到账。",
    "resolution.next.store_credit": "抵用金已存入您的客户账户，您可以在今后任何一次购物时使用。",
    "resolution.next.repair": "维修完成、商品可以取回时，我们会第一时间通知您。",
    "resolution.next.discount": "优惠将按约定方式提供，详情请见确认信息。",
    "resolution.next.explanation": (
        "如果仍有不清楚的地方，请直接回复此消息，我们很乐意再为您详细讲解。"
    ),
    "resolution.next_generic": "如有任何不清楚的地方，请直接回复此消息。",
    "resolution.follow_up_on": "我们将在 {date} 与您联系，确认一切确实已经妥善解决。",
    "resolution.follow_up_soon": "几天后我们会与您联系，确认一切确实已经妥善解决。",
    "decline.intro": (
        "感谢您在我们审核请求期间的耐心等待。很抱歉，我们无法按这种方式满足您的请求，"
        "我们想坦诚地向您说明原因。"
    ),
    "decline.reason.outside_return_window": (
        "该商品的购买时间已超出我们的退货期限。我们设定固定的退货期限，"
        "是为了让退回的商品仍能以良好状态重新销售，从而为所有顾客保持公平的价格。"
    ),
    "decline.reason.no_receipt": (
        "我们没有购买凭证，例如购物小票。我们需要凭证，是因为它能证明商品的购买时间和地点，"
        "从而保护您和其他顾客免受差错和滥用之害。"
    ),
    "decline.reason.beyond_authority": (
        "您的请求超出了我们这一层级可以批准的范围。这类决定由经理作出，以确保经过慎重权衡，"
        "并对所有顾客一视同仁。"
    ),
    "decline.reason.manager_denied": (
        "我们的经理已亲自审核了您的请求，但很遗憾未能批准。此类情况由经理决定，"
        "是为了确保公平对待每一位顾客，并采用同样的标准。"
    ),
    "decline.manager_words": "经理的原话：“{rule}”",
    "decline.understanding": (
        "我们理解这不是您所希望的答复，也理解您的失望。换作是我们，也会有同样的感受。"
    ),
    "decline.alternatives_intro": "作为替代，我们可以为您提供：",
    "decline.appeal": "如果您不同意这一决定，可以要求由经理复核：只需回复此消息即可。",
    "decline.reply_by": "请在 {date} 之前回复我们。",
    "escalation.handover": (
        "为了找到最好的解决办法，我们已将您的投诉转交给一位在此类问题上有更大决定权的经理。"
    ),
    "escalation.handover_titled": (
        "为了找到最好的解决办法，"
        "我们已将您的投诉转交给一位在此类问题上有更大决定权的经理（{manager_title}）。"
    ),
    "escalation.callback_by": (
        "我们最迟将在 {date} 给您回电，告诉您进展情况——即使届时还没有最终决定。"
    ),
    "escalation.callback_soon": "一有消息我们就会联系您，不会让您在毫无音讯的情况下等待。",
    "callback.status": (
        "按照承诺，我们现在与您联系。目前还没有最终答复，但我们仍在处理您的投诉，并没有忘记您。"
    ),
    "callback.next": "我们最迟将在 {date} 再次与您联系，即使届时没有新消息。",
    "callback.thanks": "感谢您的耐心。",
    "follow_up.check": "我们前不久处理了您的投诉 {complaint_id}，想确认一下现在一切是否真的正常。",
    "follow_up.question": "问题已经完全解决了吗？我们也很想听听您对我们处理这次投诉的看法。",
    "follow_up.reply_by": "请在 {date} 之前回复。",
    "follow_up.reopen": "如果仍有问题，请告诉我们，我们会立即重新处理。",
    "reminder.check": (
        "前不久我们给您发了消息，询问投诉 {complaint_id} "
        "的解决方案是否有效。我们想确认您已收到那条消息。"
    ),
    "reminder.question": "简短回复即可：现在一切正常了吗，还是仍有问题？",
    "reminder.reply_by": "请在 {date} 之前回复。",
    "reopened.apology": "非常抱歉，我们的解决方案没能解决问题。感谢您告诉我们——您这样做完全正确。",
    "reopened.next": "我们已重新开启您的投诉，并将优先处理。我们会尽快与您联系，说明接下来的步骤。",
    "closing.resolved_confirmed": (
        "很高兴得知现在一切正常。感谢您的确认，也再次感谢您当初把问题告诉我们。您的投诉 "
        "{complaint_id} 已结案。"
    ),
    "closing.resolved_unconfirmed": (
        "由于没有收到您的回复，我们认为现在一切正常，并已将您的投诉 {complaint_id} 结案。"
        "如果仍有问题，您可以随时联系我们——直接回复此消息即可。"
    ),
    "closing.declined": (
        "很抱歉这次我们未能为您做得更多。您的投诉 {complaint_id} 已结案，但我们的大门始终向您敞开："
        "如果情况有变或您还有其他问题，欢迎随时联系我们。"
    ),
    "closing.withdrawn": (
        "我们确认您已撤回投诉 {complaint_id}，该投诉已结案。感谢您把情况告诉我们——"
        "这仍然有助于我们改进。如有任何需要，我们随时为您服务。"
    ),
    "closing.default": (
        "您的投诉 {complaint_id} 已结案。如果还有什么我们可以帮忙的，欢迎随时联系我们。"
    ),
}

_LV: dict[str, str] = {
    "greeting": "Labdien, {name}!",
    "sign_off": "Ar cieņu\nklientu apkalpošanas komanda",
    "subject.acknowledgement": "Esam saņēmuši Jūsu sūdzību {complaint_id}",
    "subject.details_request": "Daži jautājumi par Jūsu sūdzību {complaint_id}",
    "subject.pause": "Par Jūsu sūdzību {complaint_id}",
    "subject.apology": "Mūsu atvainošanās saistībā ar sūdzību {complaint_id}",
    "subject.thanks": "Paldies, ka mums pastāstījāt (sūdzība {complaint_id})",
    "subject.proposals": "Risinājuma iespējas sūdzībai {complaint_id}",
    "subject.resolution": "Ko esam paveikuši saistībā ar Jūsu sūdzību {complaint_id}",
    "subject.decline": "Mūsu atbilde uz Jūsu sūdzību {complaint_id}",
    "subject.escalation_notice": "Jūsu sūdzību {complaint_id} izskata vadītājs",
    "subject.callback": "Jūsu sūdzības {complaint_id} izskatīšanas gaita",
    "subject.follow_up": "Vai tagad viss ir kārtībā? Sūdzība {complaint_id}",
    "subject.follow_up_reminder": "Vai mūsu ziņa Jūs sasniedza? Sūdzība {complaint_id}",
    "subject.reopened": "Atsākam darbu pie Jūsu sūdzības {complaint_id}",
    "subject.closing": "Jūsu sūdzība {complaint_id} ir slēgta",
    "remedy.replacement": "preces apmaiņa",
    "remedy.replacement.amount": "preces apmaiņa (vērtība {amount})",
    "remedy.refund": "naudas atmaksa",
    "remedy.refund.amount": "naudas atmaksa {amount} apmērā",
    "remedy.store_credit": "dāvanu karte pirkumiem mūsu veikalā",
    "remedy.store_credit.amount": "dāvanu karte {amount} apmērā pirkumiem mūsu veikalā",
    "remedy.repair": "remonts uz mūsu rēķina",
    "remedy.repair.amount": "remonts uz mūsu rēķina (vērtība {amount})",
    "remedy.discount": "atlaide",
    "remedy.discount.amount": "atlaide {amount} apmērā",
    "remedy.explanation": "detalizēts skaidrojums par preces lietošanu",
    "remedy.explanation.amount": "detalizēts skaidrojums par preces lietošanu (vērtība {amount})",
    "ack.received": (
        "Paldies, ka sazinājāties ar mums. Esam saņēmuši Jūsu sūdzību un reģistrējuši to ar numuru "
        "{complaint_id}."
    ),
    "ack.listening": (
        "Esam uzmanīgi izlasījuši visu, ko rakstījāt, un rūpīgi izpētīsim situāciju. Ja esam kaut "
        "ko pārpratuši vai vēlaties ko piebilst, vienkārši atbildiet uz šo ziņu: mēs Jūs uzklausām."
    ),
    "ack.next": "Sazināsimies ar Jums, tiklīdz būsim situāciju izpētījuši.",
    "details.intro": (
        "Lai varētu visu pienācīgi atrisināt, mums no Jums vajadzīgas vēl dažas ziņas:"
    ),
    "details.q.order_reference": "Kāds ir Jūsu pasūtījuma numurs?",
    "details.q.purchase_date": "Kurā datumā veicāt pirkumu?",
    "details.q.receipt_present": "Vai pirkuma čeks Jums joprojām ir saglabājies? (jā/nē)",
    "details.q.amount": "Kādu summu samaksājāt?",
    "details.q.employee_reference": (
        "Kurš darbinieks Jūs apkalpoja? (vārds vai darbinieka kartes numurs, ja zināt)"
    ),
    "details.q_open": "Vai varat mums pastāstīt vēl ko par notikušo?",
    "details.reply_by": "Lūdzu, atbildiet līdz {date}.",
    "details.thanks": "Paldies, ka palīdzat mums to noskaidrot.",
    "pause.body": (
        "Mēs vēlamies Jums palīdzēt atrisināt šo jautājumu. Tomēr šādā tonī mēs sarunu turpināt "
        "nevaram."
    ),
    "pause.next": (
        "Jūsu sūdzība joprojām ir reģistrēta, un nekas nav pazudis. Mūsu speciālists sazināsies ar "
        "Jums citā laikā, lai mēs kopā mierīgi varētu rast risinājumu."
    ),
    "apology.body": (
        "Mums patiesi žēl par notikušo un Jums sagādātajām neērtībām. Mēs nevēlamies, lai kāds no "
        "mūsu klientiem piedzīvotu ko tādu, un uztveram to ļoti nopietni."
    ),
    "apology.next": (
        "Mēs jau strādājam pie Jūsu sūdzības {complaint_id} un informēsim Jūs par katru soli."
    ),
    "thanks.body": (
        "Paldies, ka veltījāt laiku, lai mums par to pastāstītu. Lielākā daļa vīlušos klientu neko "
        "nesaka, bet vienkārši aiziet. Pastāstot mums, Jūs devāt mums iespēju visu labot."
    ),
    "thanks.improve": (
        "Jūsu atsauksme palīdz mums kļūt labākiem – gan Jums, gan visiem mūsu klientiem."
    ),
    "proposals.intro": (
        "Esam izskatījuši Jūsu sūdzību un vēlamies, lai Jūs paši izvēlētos, kā mēs situāciju "
        "labosim. Varam Jums piedāvāt:"
    ),
    "proposals.default_mark": " (mūsu ieteikums)",
    "proposals.choose_by": "Lūdzu, līdz {date} dariet mums zināmu, kuru iespēju izvēlaties.",
    "proposals.choose": "Lūdzu, dariet mums zināmu, kuru iespēju izvēlaties.",
    "proposals.other": "Ja Jums ir padomā cits risinājums, pastāstiet mums: labprāt to apsvērsim.",
    "resolution.done": "Esam Jums nodrošinājuši: {remedy}.",
    "resolution.done_generic": (
        "Esam veikuši visus nepieciešamos soļus, lai atrisinātu Jūsu sūdzību."
    ),
    "resolution.reference": "Atsauces numurs: {reference}.",
    "resolution.next.replacement": (
        "Mēs Jums paziņosim, tiklīdz jaunā prece būs gatava nosūtīšanai vai saņemšanai."
    ),
    "resolution.next.refund": (
        "Nauda tiks atmaksāta, izmantojot to pašu maksājuma veidu, ar kuru norēķinājāties; "
        "atkarībā no bankas tas var aizņemt dažas darba dienas."
    ),
    "resolution.next.store_credit": (
        "Dāvanu karte ir noformēta uz Jūsu vārda, un varat to izmantot jebkurā nākamajā pirkumā."
    ),
    "resolution.next.repair": (
        "Mēs Jums paziņosim, tiklīdz remonts būs pabeigts un prece būs gatava."
    ),
    "resolution.next.discount": (
        "Atlaide tiks piemērota, kā vienojāmies; sīkāku informāciju atradīsiet apstiprinājumā."
    ),
    "resolution.next.explanation": (
        "Ja kaut kas joprojām nav skaidrs, vienkārši atbildiet uz šo ziņu, un mēs labprāt visu "
        "paskaidrosim vēlreiz."
    ),
    "resolution.next_generic": "Ja kaut kas nav skaidrs, vienkārši atbildiet uz šo ziņu.",
    "resolution.follow_up_on": (
        "{date} mēs ar Jums sazināsimies, lai pārliecinātos, ka viss patiešām ir kārtībā."
    ),
    "resolution.follow_up_soon": (
        "Pēc dažām dienām mēs ar Jums sazināsimies, lai pārliecinātos, ka viss patiešām ir kārtībā."
    ),
    "decline.intro": (
        "Paldies par pacietību, kamēr izskatījām Jūsu pieprasījumu. Diemžēl šādā veidā mēs to "
        "apmierināt nevaram un vēlamies godīgi paskaidrot, kāpēc."
    ),
    "decline.reason.outside_return_window": (
        "Pirkums ir veikts ārpus mūsu atgriešanas termiņa. Mums ir noteikts atgriešanas termiņš, "
        "lai atgrieztās preces varētu atkārtoti pārdot labā stāvoklī: tā mēs varam saglabāt "
        "godīgas cenas visiem klientiem."
    ),
    "decline.reason.no_receipt": (
        "Mums nav pirkumu apliecinoša dokumenta, piemēram, čeka. Mēs to lūdzam, jo čeks parāda, "
        "kad un kur prece iegādāta, un tādējādi pasargā gan Jūs, gan citus klientus no kļūdām un "
        "ļaunprātīgas izmantošanas."
    ),
    "decline.reason.beyond_authority": (
        "Jūsu pieprasījums pārsniedz to, ko varam apstiprināt mūsu līmenī. Šāda apmēra lēmumus "
        "pieņem vadītājs, lai tie būtu rūpīgi izsvērti un vienādi visiem klientiem."
    ),
    "decline.reason.manager_denied": (
        "Mūsu vadītājs personīgi izskatīja Jūsu pieprasījumu un diemžēl nevarēja to apstiprināt. "
        "Šādos gadījumos lēmumu pieņem vadītājs, lai pret visiem klientiem izturētos godīgi un pēc "
        "vieniem un tiem pašiem principiem."
    ),
    "decline.manager_words": "Vadītāja paša vārdiem: „{rule}”",
    "decline.understanding": (
        "Mēs saprotam, ka šī nav atbilde, uz kuru cerējāt, un ka tā Jūs sarūgtina. Jūsu vietā mēs "
        "justos tāpat."
    ),
    "decline.alternatives_intro": "Tā vietā varam Jums piedāvāt:",
    "decline.appeal": (
        "Ja nepiekrītat šim lēmumam, varat lūgt, lai to pārskata vadītājs: vienkārši atbildiet uz "
        "šo ziņu."
    ),
    "decline.reply_by": "Lūdzu, dariet mums zināmu līdz {date}.",
    "escalation.handover": (
        "Lai atrastu labāko iespējamo risinājumu, esam nodevuši Jūsu sūdzību vadītājam, kuram ir "
        "plašākas pilnvaras lemt šādos jautājumos."
    ),
    "escalation.handover_titled": (
        "Lai atrastu labāko iespējamo risinājumu, esam nodevuši Jūsu sūdzību vadītājam, kuram ir "
        "plašākas pilnvaras lemt šādos jautājumos ({manager_title})."
    ),
    "escalation.callback_by": (
        "Mēs Jums piezvanīsim ne vēlāk kā {date} un pastāstīsim, kā virzās lieta, pat ja līdz tam "
        "galīgā lēmuma vēl nebūs."
    ),
    "escalation.callback_soon": (
        "Sazināsimies ar Jums, tiklīdz būs jaunumi, un neatstāsim Jūs neziņā."
    ),
    "callback.status": (
        "Kā solījām, sazināmies ar Jums. Galīgās atbildes vēl nav, taču mēs turpinām strādāt pie "
        "Jūsu sūdzības un neesam Jūs aizmirsuši."
    ),
    "callback.next": (
        "Mēs atkal sazināsimies ar Jums ne vēlāk kā {date}, arī tad, ja jaunumu nebūs."
    ),
    "callback.thanks": "Paldies par Jūsu pacietību.",
    "follow_up.check": (
        "Nesen atrisinājām Jūsu sūdzību {complaint_id} un vēlamies pārliecināties, ka tagad viss "
        "patiešām darbojas, kā nākas."
    ),
    "follow_up.question": (
        "Vai problēma ir pilnībā atrisināta? Labprāt uzzinātu arī Jūsu viedokli par to, kā "
        "izskatījām Jūsu sūdzību."
    ),
    "follow_up.reply_by": "Lūdzu, atbildiet līdz {date}.",
    "follow_up.reopen": (
        "Ja kaut kas joprojām nav kārtībā, dariet mums zināmu, un mēs nekavējoties ķersimies pie "
        "tā no jauna."
    ),
    "reminder.check": (
        "Nesen Jums rakstījām, lai pajautātu, vai sūdzības {complaint_id} risinājums ir "
        "palīdzējis. Vēlamies pārliecināties, ka mūsu ziņa Jūs sasniedza."
    ),
    "reminder.question": (
        "Pietiks ar īsu atbildi: vai tagad viss ir kārtībā, vai arī kaut kas joprojām nav labi?"
    ),
    "reminder.reply_by": "Lūdzu, atbildiet līdz {date}.",
    "reopened.apology": (
        "Mums ļoti žēl, ka mūsu risinājums problēmu nenovērsa. Paldies, ka par to pastāstījāt: Jūs "
        "rīkojāties tieši pareizi."
    ),
    "reopened.next": (
        "Esam atkārtoti atvēruši Jūsu sūdzību un to risinām prioritārā kārtā. Drīzumā ar Jums "
        "sazināsimies par turpmākajiem soļiem."
    ),
    "closing.resolved_confirmed": (
        "Priecājamies dzirdēt, ka tagad viss darbojas. Paldies, ka to apstiprinājāt, un vēlreiz "
        "paldies, ka vispār pastāstījāt mums par problēmu. Jūsu sūdzību {complaint_id} esam "
        "slēguši."
    ),
    "closing.resolved_unconfirmed": (
        "Tā kā neesam saņēmuši Jūsu atbildi, pieņemam, ka tagad viss ir kārtībā, un esam slēguši "
        "Jūsu sūdzību {complaint_id}. Ja tomēr kaut kas nav kārtībā, varat ar mums sazināties "
        "jebkurā laikā: vienkārši atbildiet uz šo ziņu."
    ),
    "closing.declined": (
        "Mums žēl, ka šoreiz nevarējām Jūsu labā izdarīt vairāk. Jūsu sūdzību {complaint_id} esam "
        "slēguši, taču mūsu durvis Jums vienmēr ir atvērtas: ja kaut kas mainās vai Jums rodas "
        "jautājumi, sazinieties ar mums jebkurā laikā."
    ),
    "closing.withdrawn": (
        "Apstiprinām, ka esat atsaukuši savu sūdzību {complaint_id}, un esam to slēguši. Paldies, "
        "ka pastāstījāt mums par notikušo: tas mums tik un tā palīdz pilnveidoties. Ja Jums kaut "
        "kas būs vajadzīgs, mēs esam šeit."
    ),
    "closing.default": (
        "Jūsu sūdzību {complaint_id} esam slēguši. Ja varam vēl kaut kā palīdzēt, sazinieties ar "
        "mums jebkurā laikā."
    ),
}


_PHRASES: dict[Language, dict[str, str]] = {
    Language.EN: _EN,
    Language.RU: _RU,
    Language.ET: _ET,
    Language.HR: _HR,
    Language.ZH: _ZH,
    Language.LV: _LV,
}


# --- Rendering ----------------------------------------------------------------------------------


class _Phrasebook:
    """Looks up and fills one language's phrases, naming the gap if a phrase is missing."""

    def __init__(self, language: Language) -> None:
        self.language = language
        try:
            self._phrases = _PHRASES[language]
        except KeyError:
            raise MissingTemplateError(f"no phrasebook for language {language!r}") from None

    def __call__(self, key: str, **fields: object) -> str:
        try:
            template = self._phrases[key]
        except KeyError:
            raise MissingTemplateError(
                f"no {key!r} phrase for language {self.language.value!r}"
            ) from None
        return template.format(**fields)


def _date(value: datetime) -> str:
    """YYYY-MM-DD in UTC; a naive datetime is taken to be UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d")


def _amount(value: Decimal) -> str:
    """A plain number with two decimals: the currency is the shop's, not ours to guess."""
    return format(value, ".2f")


def _remedy(p: _Phrasebook, remedy: Remedy) -> str:
    if remedy.amount > 0:
        return p(f"remedy.{remedy.kind.value}.amount", amount=_amount(remedy.amount))
    return p(f"remedy.{remedy.kind.value}")


def remedy_name(remedy: Remedy, language: Language) -> str:
    """A remedy as the customer reads it, e.g. "a refund of 49.90"."""
    return _remedy(_Phrasebook(language), remedy)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bulleted(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))


def _by(p: _Phrasebook, key: str, when: datetime | None) -> str | None:
    """A "please reply by ..." style sentence, or nothing when no date was set."""
    return p(key, date=_date(when)) if when else None


def _decline_reason(p: _Phrasebook, reason: DeclineReason) -> str:
    """The rule and why it exists, in our own wording for the code (and the manager's words)."""
    text = p(f"decline.reason.{reason.code.value}")
    if reason.code is DeclineCode.MANAGER_DENIED and reason.rule.strip():
        text += "\n  " + p("decline.manager_words", rule=reason.rule.strip())
    return text


# Each builder returns the body paragraphs between greeting and sign-off; None means "omit".
_Paragraphs = list[str | None]


def _acknowledgement(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [
        p("ack.received", complaint_id=c.complaint_id),
        p("ack.listening"),
        p("ack.next"),
    ]


def _details_request(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    questions = [p(f"details.q.{field.value}") for field in c.missing_details] or [
        p("details.q_open")
    ]
    return [
        p("details.intro"),
        _numbered(questions),
        _by(p, "details.reply_by", c.reply_by),
        p("details.thanks"),
    ]


def _pause(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [p("pause.body"), p("pause.next")]


def _apology(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [p("apology.body"), p("apology.next", complaint_id=c.complaint_id)]


def _thanks(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [p("thanks.body"), p("thanks.improve")]


def _proposals(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    options = c.options or ([c.default_option] if c.default_option else [])
    items = []
    for option in options:
        item = _capitalised(_remedy(p, option))
        if option == c.default_option:
            item += p("proposals.default_mark")  # carries its own spacing (none in Chinese)
        items.append(item)
    choose = _by(p, "proposals.choose_by", c.reply_by) or p("proposals.choose")
    return [p("proposals.intro"), _numbered(items), choose, p("proposals.other")]


def _resolution(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    if c.remedy is None:
        done, next_steps = p("resolution.done_generic"), p("resolution.next_generic")
    else:
        done = p("resolution.done", remedy=_remedy(p, c.remedy))
        next_steps = p(f"resolution.next.{c.remedy.kind.value}")
    reference = (
        p("resolution.reference", reference=c.remedy_reference) if c.remedy_reference else None
    )
    follow_up = _by(p, "resolution.follow_up_on", c.follow_up_on) or p("resolution.follow_up_soon")
    return [done, reference, next_steps, follow_up]


def _decline(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    reasons = [_decline_reason(p, reason) for reason in c.reasons]
    alternatives = [_capitalised(_remedy(p, remedy)) for remedy in c.alternatives]
    return [
        p("decline.intro"),
        _bulleted([reason for reason in reasons if reason]),
        p("decline.understanding"),
        p("decline.alternatives_intro") + "\n" + _bulleted(alternatives) if alternatives else None,
        p("decline.appeal") if c.can_appeal else None,
        _by(p, "decline.reply_by", c.reply_by),
    ]


def _escalation_notice(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    title = (c.manager_title or "").strip()
    handover = (
        p("escalation.handover_titled", manager_title=title) if title else p("escalation.handover")
    )
    callback = _by(p, "escalation.callback_by", c.callback_by) or p("escalation.callback_soon")
    return [handover, callback]


def _callback(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [p("callback.status"), _by(p, "callback.next", c.callback_by), p("callback.thanks")]


def _follow_up(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [
        p("follow_up.check", complaint_id=c.complaint_id),
        p("follow_up.question"),
        _by(p, "follow_up.reply_by", c.reply_by),
        p("follow_up.reopen"),
    ]


def _follow_up_reminder(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [
        p("reminder.check", complaint_id=c.complaint_id),
        p("reminder.question"),
        _by(p, "reminder.reply_by", c.reply_by),
    ]


def _reopened(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    return [p("reopened.apology"), p("reopened.next")]


def _closing(p: _Phrasebook, c: MessageContext) -> _Paragraphs:
    key = f"closing.{c.outcome.value}" if c.outcome else "closing.default"
    return [p(key, complaint_id=c.complaint_id)]


_BUILDERS: dict[MessageKind, Callable[[_Phrasebook, MessageContext], _Paragraphs]] = {
    MessageKind.ACKNOWLEDGEMENT: _acknowledgement,
    MessageKind.DETAILS_REQUEST: _details_request,
    MessageKind.PAUSE: _pause,
    MessageKind.APOLOGY: _apology,
    MessageKind.THANKS: _thanks,
    MessageKind.PROPOSALS: _proposals,
    MessageKind.RESOLUTION: _resolution,
    MessageKind.DECLINE: _decline,
    MessageKind.ESCALATION_NOTICE: _escalation_notice,
    MessageKind.CALLBACK: _callback,
    MessageKind.FOLLOW_UP: _follow_up,
    MessageKind.FOLLOW_UP_REMINDER: _follow_up_reminder,
    MessageKind.REOPENED: _reopened,
    MessageKind.CLOSING: _closing,
}


def render(kind: MessageKind, language: Language, context: MessageContext) -> RenderedMessage:
    """Subject and plain-text body of one customer message.

    Raises `MissingTemplateError` (a `KeyError`) if the kind or a phrase has no template in
    this language; optional context fields that are not set are simply left out.
    """
    kind, language = MessageKind(kind), Language(language)
    p = _Phrasebook(language)
    try:
        build = _BUILDERS[kind]
    except KeyError:
        raise MissingTemplateError(f"no template for message kind {kind.value!r}") from None
    paragraphs = [paragraph for paragraph in build(p, context) if paragraph]
    body = "\n\n".join([p("greeting", name=context.customer_name), *paragraphs, p("sign_off")])
    return RenderedMessage(
        subject=p(f"subject.{kind.value}", complaint_id=context.complaint_id), body=body
    )
