"""The service-desk part of the demo: scripts for every topic, the channels board of Henan,
an announcement, urgent tickets at every step (one opened three hours ago, which the first
sweep finds overdue and escalates), and a Henan call-centre surge with a diversion rule."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baotong.auth import service as auth_service
from baotong.auth.permissions import Principal, Role, Scope, ScopeKind
from baotong.config import Settings
from baotong.core import clock
from baotong.db import demo
from baotong.network.entities import Network, SiteStatus
from baotong.network.reference import load_active
from baotong.servicedesk import jobs as _registers_deadlines  # noqa: F401
from baotong.servicedesk import load, service
from baotong.servicedesk.models import (
    ChannelKind,
    Satisfaction,
    ScriptTopic,
    Ticket,
    TicketCategory,
    TicketChannel,
)
from baotong.servicedesk.schemas import (
    CallbackDone,
    ChannelWrite,
    ContactDone,
    InvestigationDone,
    RuleWrite,
    ScriptCreate,
    TicketCreate,
    Transfer,
)
from baotong.tracking import service as tracking_service
from baotong.tracking.models import AnnouncementState, MailItem
from baotong.tracking.schemas import AnnouncementCreate

HENAN = "410000"
UNIT_USER = "henan_unit"  # the production unit of the ticket waiting for its investigation
SCRIPTS = {
    ScriptTopic.COLLECTION: (
        "揽收咨询",
        "您好，封控期间揽收以预约为主。请告诉我您的地址和物品，"
        "我为您查询最近可收寄的网点或上门时间。",
    ),
    ScriptTopic.ENQUIRY: (
        "邮件查询",
        "您好，请提供邮件号。我看到您的邮件最新状态是……，预计……送达。如有变化我们会短信通知您。",
    ),
    ScriptTopic.CONTROLLED_AREA: (
        "寄往管控区的邮件",
        "您好，寄达地目前处于疫情管控中，"
        "邮件已改由备份中心分拣，预计会晚到约……小时。"
        "我们会在解封或可投递时第一时间投递，药品等急需物品可为您登记优先处理。",
    ),
    ScriptTopic.COMPLAINT: (
        "投诉受理",
        "非常抱歉给您带来不便。我已为您登记紧急工单，"
        "所在省份会在两小时内与您联系并告知预计处理时间，处理完成后11183会回访您。",
    ),
}
CHANNELS = [
    (
        ChannelKind.COUNTER,
        "郑州市区营业网点",
        SiteStatus.LIMITED,
        "封控区内网点暂停，其余网点缩短营业时间",
    ),
    (ChannelKind.COUNTER, "管控区内营业网点", SiteStatus.CLOSED, "属地防控要求暂停营业"),
    (ChannelKind.OWN_ELECTRONIC, "中国邮政微信小程序", SiteStatus.OPEN, ""),
    (
        ChannelKind.OWN_ELECTRONIC,
        "11183 客服热线",
        SiteStatus.LIMITED,
        "话务量大，已启用远程坐席与分流",
    ),
    (ChannelKind.PLATFORM, "国家邮政局申诉平台", SiteStatus.OPEN, ""),
]


def _complaint(number: str, name: str, category: TicketCategory) -> TicketCreate:
    return TicketCreate(
        number=number,
        category=category,
        contact_name=name,
        contact_phone="13800138000",
        description="邮件多日未更新，请尽快处理",
    )


def seed_demo(session: Session, settings: Settings) -> list[str]:
    """Everything above, once (nothing if a ticket exists already)."""
    if session.scalar(select(func.count()).select_from(Ticket)):
        return []
    system = Principal.system("demo")
    network = load_active(settings)
    for topic, (title, body) in SCRIPTS.items():
        service.add_script(
            session, data=ScriptCreate(topic=topic, title=title, body=body), principal=system
        )
    for kind, name, status, reason in CHANNELS:
        load.set_channel(
            session,
            network=network,
            principal=system,
            data=ChannelWrite(
                province_code=HENAN, kind=kind, name=name, status=status, reason=reason
            ),
        )
    notice = tracking_service.create_announcement(
        session,
        principal=system,
        data=AnnouncementCreate(
            title="关于河南省部分地区邮件延误的公告",
            body="受疫情管控影响，寄往河南省管控区的邮件改由备份中心分拣，投递将有所延误。",
        ),
    )
    tracking_service.set_announcement_state(
        session, announcement_id=notice.id, state=AnnouncementState.PUBLISHED, principal=system
    )
    numbers = _henan_first(session, network)
    lines = ["Service desk: 4 scripts, Henan channels board, 1 announcement"]
    if len(numbers) == 5:
        unit = _unit_user(session, network, numbers[1])  # before the ticket reaches it
        lines.append(_tickets(session, numbers, system))
        lines.append(unit)
    load.simulate_surge(session, network=network, provinces=[HENAN], seed=1, principal=system)
    load.set_rule(
        session,
        network=network,
        principal=system,
        data=RuleWrite(
            province_code=HENAN,
            max_waiting=60,
            max_wait_s=600,
            targets=["420000", "national"],
            cap=80,
        ),
    )
    made = load.divert(session)
    lines.append(f"Call centre: Henan surging, {sum(d.contacts for d in made)} contacts diverted")
    return lines


def _province_of(network: Network, site_id: str) -> str | None:
    if site_id in network.centers:
        return network.centers[site_id].province_code
    station = network.stations.get(site_id)
    return station.county_code[:2] + "0000" if station else None


def _henan_first(session: Session, network: Network) -> list[str]:
    """Five items bound for Henan; the second (the ticket left waiting for its
    investigation) lies at a Henan centre or station when one does."""
    items = list(
        session.scalars(
            select(MailItem)
            .where(MailItem.dest_province_code == HENAN)
            .order_by(MailItem.id)
            .limit(200)
        )
    )
    numbers = [item.number for item in items[:5]]
    at_henan = next(
        (
            item.number
            for item in items
            if _province_of(network, tracking_service.current_site(session, item)) == HENAN
        ),
        None,
    )
    if len(numbers) == 5 and at_henan is not None:
        others = [n for n in numbers if n != at_henan]
        numbers = [others[0], at_henan, *others[1:4]]
    return numbers


def _unit_user(session: Session, network: Network, number: str) -> str:
    """A login for the production unit (the site) where the item of the ticket left waiting
    for its investigation is: the ticket is in its list and the notice in its inbox."""
    site = tracking_service.current_site(session, tracking_service.get_item(session, number))
    scope = Scope.unit(ScopeKind.SITE, site, province_code=_province_of(network, site) or HENAN)
    if auth_service.get_user(session, UNIT_USER) is None:
        password = auth_service.generated_password()
        auth_service.create_user(
            session,
            username=UNIT_USER,
            password=password,
            role=Role.PRODUCTION_UNIT.value,
            scope=scope,
        )
    else:
        password = auth_service.reset_password(session, username=UNIT_USER)
    return (
        f"Log in as {UNIT_USER} with password {password} ({Role.PRODUCTION_UNIT.value} of"
        f" {site}, where item {number} waits for its investigation)"
    )


def _tickets(session: Session, numbers: list[str], system: Principal) -> str:
    now = clock.now()
    names = ["王女士", "李先生", "张女士", "刘先生", "陈女士"]
    made = []
    for i, (number, name) in enumerate(zip(numbers, names, strict=True)):
        category = TicketCategory.CONTROLLED_AREA if i % 2 == 0 else TicketCategory.DELAY
        channel = TicketChannel.PUBLIC if i % 2 else TicketChannel.AGENT
        if i == 4:  # phoned in three hours ago and never contacted: the sweep escalates it
            with clock.frozen(now - timedelta(hours=3)):
                ticket = service.open_ticket(
                    session,
                    data=_complaint(number, name, category),
                    channel=channel,
                    principal=system,
                )
        else:
            ticket = service.open_ticket(
                session, data=_complaint(number, name, category), channel=channel, principal=system
            )
        made.append(ticket.id)
        if i in (1, 2, 3):
            service.record_contact(
                session,
                ticket_id=ticket.id,
                principal=system,
                data=ContactDone(
                    expected_by=now + timedelta(hours=20), note="已联系客户，承诺明日处理"
                ),
            )
        station = tracking_service.get_item(session, number).dest_station_id
        if i == 2 and station and station != ticket.unit_id:  # the station finds it, not us
            service.transfer(
                session, ticket_id=ticket.id, principal=system,
                data=Transfer(unit_id=station, reason="邮件已交投递站，转投递站核查"),
            )  # fmt: skip
        if i in (2, 3):
            service.record_findings(
                session,
                ticket_id=ticket.id,
                principal=system,
                data=InvestigationDone(findings="邮件在备份中心滞留，已安排专车进区"),
            )
        if i == 3:
            service.record_callback(
                session,
                ticket_id=ticket.id,
                principal=system,
                data=CallbackDone(result="客户已收到邮件", satisfaction=Satisfaction.SATISFIED),
            )
    return f"Urgent tickets {made[0]}–{made[-1]}: one at each step, #{made[-1]} overdue"


demo.register("servicedesk", seed_demo, after=("tracking",))
