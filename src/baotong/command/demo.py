"""The command part of the demo: Hubei's and Henan's inventories, Henan's emergency plan
for a province-wide lockdown activated eight hours ago, its instructions in every state
(Hubei reported with an objection, Shaanxi executed, Shandong received, Hebei late and
escalated), a forklift and ten whitelisted sorters lent from Hubei to Henan, and today's
safety logs with one missing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from baotong.auth.permissions import Principal
from baotong.command import emergency, logistics, resources
from baotong.command import jobs as command_jobs
from baotong.command import service as command_service
from baotong.command.excel import ResourceIn
from baotong.command.models import (
    EmergencyPlan,
    EventType,
    IncidentKind,
    Instruction,
    ResourceKind,
    Severity,
)
from baotong.config import Settings
from baotong.core import clock
from baotong.db import demo
from baotong.db.transitions import transition
from baotong.jobs.models import Deadline, DeadlineState
from baotong.network.reference import load_active

HENAN = Path(__file__).resolve().parents[3] / "examples" / "henan.yaml"
WUHAN, ZHENGZHOU = "C-420100", "C-410100"
BACKUPS = [  # the provinces of the backup centres (MODEL.md 13): province, centre, hours
    ("420000", "武汉", 6),
    ("610000", "西安", 12),
    ("370000", "济宁", 12),
    ("130000", "邯郸", 6),
]


def _inventory() -> list[ResourceIn]:
    def item(**values: Any) -> ResourceIn:
        return ResourceIn.model_validate(values)

    return [
        item(
            kind=ResourceKind.EQUIPMENT,
            category="forklift",
            name="武汉中心叉车",
            quantity=3,
            province_code="420000",
            site_id=WUHAN,
        ),
        item(
            kind=ResourceKind.PERSON,
            category="sorter",
            name="武汉中心分拣员（白名单）",
            quantity=30,
            province_code="420000",
            site_id=WUHAN,
            whitelisted=True,
            closed_loop=True,
        ),
        item(
            kind=ResourceKind.VEHICLE,
            category="truck_12t",
            name="郑州中心干线车",
            quantity=8,
            province_code="410000",
            site_id=ZHENGZHOU,
            plate="豫A·Y0001",
        ),
        item(
            kind=ResourceKind.EQUIPMENT,
            category="scanner",
            name="郑州中心巴枪",
            quantity=60,
            province_code="410000",
            site_id=ZHENGZHOU,
        ),
        item(
            kind=ResourceKind.EQUIPMENT,
            category="protective",
            name="防护服（套）",
            quantity=2000,
            province_code="410000",
            site_id=ZHENGZHOU,
        ),
        item(
            kind=ResourceKind.PERSON,
            category="sorter",
            name="郑州中心分拣员",
            quantity=120,
            province_code="410000",
            site_id=ZHENGZHOU,
            whitelisted=True,
        ),
    ]


def _plan(scenario: dict[str, Any], truck: int, scanner: int) -> emergency.EmergencyPlanIn:
    return emergency.EmergencyPlanIn.model_validate(
        {
            "name": "河南省全省静态管控应急预案",
            "province_code": "410000",
            "event_type": EventType.PROVINCE_LOCKDOWN,
            "scenario": scenario,
            "instructions": [
                {
                    "to_province": code,
                    "hours": hours,
                    "title": f"{name}中心接管河南分区：按网络调整方案启用分拣封发关系",
                    "body": "先执行、后反馈：接收河南分区进口邮件，分拣至县及揽投部。",
                }
                for code, name, hours in BACKUPS
            ],
            "resources": [
                {"resource_id": truck, "quantity": 6},
                {"resource_id": scanner, "quantity": 40},
            ],
            "contacts": [
                {"name": "河南省分公司应急值班室", "role": "值班", "phone": "0371-0000000"},
                {"name": "集团指挥中心", "role": "总值班", "phone": "010-0000000"},
            ],
            "checklist": [
                "确认封控范围与时间",
                "启动网络调整方案计算",
                "向备份中心所在省下达指令",
                "申请干线及市内通行证",
                "落实闭环住宿与人员白名单",
            ],
            "passes": [
                {"area": "河南省", "vehicles": 6},  # the trunk from Wuhan into Henan
                {"area": "郑州市", "vehicles": 20, "valid_until": "2026-12-31"},  # city delivery
            ],
        }
    )


def seed_demo(session: Session, settings: Settings) -> list[str]:
    """Seed the command demo once (skipped when Henan's lockdown plan exists)."""
    if not HENAN.is_file() or session.scalar(
        select(EmergencyPlan.id).where(
            EmergencyPlan.province_code == "410000",
            EmergencyPlan.event_type == EventType.PROVINCE_LOCKDOWN,
        )
    ):
        return []
    network = load_active(settings)
    desk = Principal.system("duty")
    now = clock.now()
    added = resources.add_resources(session, rows=_inventory(), principal=desk)
    forklift, sorters, truck, scanner = added[0], added[1], added[2], added[3]
    scenario = yaml.safe_load(HENAN.read_text(encoding="utf-8"))
    plan = emergency.save_plan(
        session, plan=_plan(scenario, truck.id, scanner.id), network=network, principal=desk
    )
    with clock.frozen(now - timedelta(hours=8)) as frozen:
        incident = emergency.activate(
            session, plan_id=plan.id, network=network, principal=desk, compute=False
        )
        orders = {
            i.province_code: i
            for i in session.scalars(
                select(Instruction).where(Instruction.incident_id == incident.id)
            )
        }
        hubei, shaanxi, shandong = orders["420000"], orders["610000"], orders["370000"]
        frozen.advance(timedelta(minutes=30))
        for row in (hubei, shaanxi):
            command_service.receive(session, instruction_id=row.id, principal=desk)
        frozen.advance(timedelta(hours=2))
        command_service.receive(session, instruction_id=shandong.id, principal=desk)
        command_service.execute(
            session,
            instruction_id=hubei.id,
            principal=desk,
            execution="武汉中心已启用河南 6 个地市的分拣封发关系，增开夜班。",
        )
        frozen.advance(timedelta(hours=1))
        command_service.report(
            session,
            instruction_id=hubei.id,
            principal=desk,
            result="首日接收河南进口邮件 4.2 万件，已分拣至县。",
            objection="武汉中心自身处理量已达 92%，建议信阳分区改由合肥承接。",
        )
        frozen.advance(timedelta(hours=3, minutes=30))
        command_service.execute(
            session,
            instruction_id=shaanxi.id,
            principal=desk,
            execution="西安中心已接收三门峡、洛阳分区。",
        )
    # Hebei never confirmed: its receive deadline fires here as the sweep would fire it.
    late = session.scalars(
        select(Deadline).where(
            Deadline.kind == command_service.LATE,
            Deadline.subject_id == str(orders["130000"].id),
            Deadline.state == DeadlineState.PENDING,
        )
    ).one()
    late = transition(
        session,
        Deadline,
        late.id,
        Deadline.state,
        DeadlineState.PENDING,
        DeadlineState.FIRED,
        fired_at=now,
    )
    command_jobs.instruction_late(session, late)
    for resource, quantity in ((forklift, 1), (sorters, 10)):
        loan = resources.request_loan(
            session,
            resource_id=resource.id,
            quantity=quantity,
            to_province="410000",
            to_site=ZHENGZHOU,
            return_on=(now + timedelta(days=14)).date(),
            principal=desk,
            reason=f"{resource.name} 支援郑州中心",
            incident_id=incident.id,
        )
        resources.approve_loan(session, loan_id=loan.id, principal=desk)
    resources.file_safety_log(
        session,
        site_id=ZHENGZHOU,
        day=now.date(),
        disinfected=True,
        protection=True,
        tests=120,
        positives=0,
        note="全员核酸阴性",
        principal=desk,
    )
    road = command_service.create_incident(
        session,
        kind=IncidentKind.ROAD_BLOCKED,
        title="G4 京港澳高速郑州段临时封闭",
        region="410100",
        network=network,
        principal=desk,
        severity=Severity.HIGH,
        source="河南省交通运输厅通报",
    )
    found = logistics.flag_road(session, incident_id=road.id, network=network, principal=desk)
    return [
        f"Emergency plan {plan.id}: {plan.name}, activated as incident {incident.id}",
        f"A blocked road at Zhengzhou (incident {road.id}): {len(found.runs)} runs and "
        f"{len(found.passes)} passes flagged to transport dispatch",
        "Instructions to Hubei, Shaanxi, Shandong and Hebei (Hebei late and escalated)",
        "A forklift and ten whitelisted sorters lent from Hubei to Henan",
    ]


demo.register("command", seed_demo, after=("network", "contingency", "transport"))
