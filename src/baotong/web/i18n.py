"""The console's words in Chinese (default) and English, and the language cookie.

Every visible string of the pages goes through ``t(key)``; a missing key shows the key
itself, so an untranslated word is obvious on the page and caught by the tests.
"""

from __future__ import annotations

from fastapi import Request

from baotong.core.enums import LabelledEnum
from baotong.core.exceptions import BaotongError

LANG_COOKIE = "baotong_lang"
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    "app": ("保通 · 运行控制台", "Baotong · Operations console"),
    "brand": ("保通", "Baotong"),
    "app.sub": ("运行控制台", "Operations console"),
    "legend.ok": ("正常", "Open"),
    "legend.busy": ("负荷 ≥ 75%", "Load ≥ 75%"),
    "legend.hot": ("负荷 ≥ 90%", "Load ≥ 90%"),
    "nav.map": ("网络地图", "Network map"),
    "nav.scenarios": ("封控场景", "Scenarios"),
    "nav.plans": ("预案", "Plans"),
    "nav.audit": ("审计日志", "Audit log"),
    "nav.users": ("用户管理", "Users"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "scope.national": ("全国", "National"),
    "login.title": ("登录保通控制台", "Log in to the Baotong console"),
    "login.wrong": ("用户名或密码错误。", "Wrong user name or password."),
    "login.hint": ("封控期间的寄递网络应急调度", "Keeping mail and supplies moving in a lockdown"),
    "error": ("出错了", "Something is wrong"),
    "error.back": ("返回", "Go back"),
    "error.csrf": (
        "表单已过期，请刷新页面后重试。",
        "The form expired; reload the page and try again.",
    ),
    "error.internal": (
        "系统内部错误，已记录。",
        "Something went wrong on our side; it was logged.",
    ),
    "map.title": ("全国寄递网络", "National postal network"),
    "map.level": ("层级", "Level"),
    "map.back": ("返回全国", "Back to China"),
    "map.legend": (
        "圆点大小 = 处理能力；颜色 = 状态与负荷",
        "Dot size = capacity; colour = status and load",
    ),
    "map.locked": ("封控区域", "Locked areas"),
    "map.closed": ("停用/受限场地", "Closed or limited sites"),
    "map.centres": ("处理中心", "Processing centres"),
    "map.drill": (
        "点击省份下钻到县；点击中心查看详情",
        "Click a province to drill down; a centre for its page",
    ),
    "level.province": ("省", "Province"),
    "level.prefecture": ("地市", "Prefecture"),
    "level.county": ("区县", "County"),
    "level.province_lock": ("省级封控（异地分区覆盖）", "Province-level (zoned off-site cover)"),
    "level.city_lock": ("市级封控（分拣到投递站）", "City-level (sort to station)"),
    "status": ("状态", "Status"),
    "status.open": ("正常", "Open"),
    "status.limited": ("受限", "Limited"),
    "status.closed": ("停用", "Closed"),
    "site": ("场地", "Site"),
    "site.kind": ("类型", "Kind"),
    "site.capacity": ("处理能力（件/日）", "Capacity (items/day)"),
    "site.utilisation": ("负荷率", "Utilisation"),
    "site.chutes": ("格口（在用/总数）", "Chutes (in use/total)"),
    "site.routing": ("当前分拣关系", "Current routing"),
    "site.routing.dest": ("寄达地", "Destination"),
    "site.routing.center": ("分拣中心", "Sorting centre"),
    "site.routing.source": ("来源", "Source"),
    "site.routing.baseline": ("基线", "Baseline"),
    "site.change_status": ("变更状态", "Change status"),
    "site.reason": ("原因", "Reason"),
    "site.reopening": ("预计恢复时间", "Expected reopening"),
    "site.history": ("状态历史", "Status history"),
    "site.capacity_edit": ("临时调整处理能力", "Temporary capacity"),
    "site.valid_until": ("有效至", "Valid until"),
    "site.overrides": ("能力调整记录", "Capacity changes"),
    "site.since": ("起始", "Since"),
    "site.by": ("操作人", "By"),
    "save": ("保存", "Save"),
    "search": ("搜索", "Search"),
    "search.region": (
        "按代码、中文名或拼音搜索地区",
        "Search a region by code, Chinese name or pinyin",
    ),
    "none": ("无", "None"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "scenario.list": ("封控场景", "Lockdown scenarios"),
    "scenario.new": ("新建场景", "New scenario"),
    "scenario.edit": ("修改场景", "Edit scenario"),
    "scenario.name": ("场景名称", "Scenario name"),
    "scenario.areas": ("封控区域", "Locked areas"),
    "scenario.areas.hint": ("在地图上点击或搜索添加", "Click on the map or search to add"),
    "scenario.depth": ("分拣深度", "Sort depth"),
    "depth.default": ("默认深度", "Default depth"),
    "depth.station": ("到投递站", "To station"),
    "depth.grid": ("到网格", "To grid"),
    "depth.segment": ("到段道", "To segment"),
    "scenario.remove": ("移除", "Remove"),
    "scenario.classes": ("产品类别与封控期间量系数", "Product classes and lockdown volume factor"),
    "scenario.options": ("选项", "Options"),
    "scenario.max_road_hours": ("最长公路时长（小时）", "Maximum road hours"),
    "scenario.max_backups": ("最多备份中心数", "Maximum backup centres"),
    "scenario.surge": ("允许加班", "Surge shifts allowed"),
    "scenario.max_surge": ("每中心最多加班班次", "Surge shifts per centre at most"),
    "scenario.automation": ("备份中心最低自动化水平", "Least automation of a backup"),
    "scenario.presorted": ("国际/全国枢纽预分拣比例", "Share pre-sorted by the national hub"),
    "scenario.time_limit": ("求解时限（秒）", "Solver time limit (s)"),
    "scenario.save": ("保存场景", "Save scenario"),
    "scenario.run": ("生成预案", "Compute plan"),
    "scenario.created": ("创建", "Created"),
    "scenario.empty": ("还没有场景。", "No scenario yet."),
    "plan.list": ("预案", "Plans"),
    "plan.empty": ("还没有预案。", "No plan yet."),
    "plan.progress": ("计算进度", "Progress"),
    "plan.cancel": ("取消计算", "Cancel"),
    "plan.failed": ("计算失败", "The computation failed"),
    "plan.status": ("计算状态", "Computation"),
    "plan.lifecycle": ("生命周期", "Lifecycle"),
    "plan.objective": ("目标值（元/日）", "Objective (CNY/day)"),
    "plan.gap": ("最优性差距", "Proven gap"),
    "plan.solve_seconds": ("求解时间", "Solve time"),
    "plan.backups": ("备份中心", "Backup centres"),
    "plan.zones": ("分区", "Zones"),
    "plan.map": ("封控区域与分区覆盖", "Locked areas and zone cover"),
    "plan.delays": ("时延分布（额外小时）", "Delay histogram (extra hours)"),
    "plan.changes": ("分拣/封发关系变更", "Sort & dispatch changes"),
    "plan.transit": ("经转关系变更", "Transit-relation changes"),
    "plan.origin": ("寄出省份", "Origin province"),
    "plan.all": ("全部", "All"),
    "plan.downloads": ("下载", "Downloads"),
    "plan.unserved": ("无法覆盖的分区", "Zones that cannot be covered"),
    "plan.load": ("负荷（件/日）", "Load (items/day)"),
    "plan.surge": ("加班班次", "Surge shifts"),
    "plan.chutes": ("格口", "Chutes"),
    "plan.volume": ("量（件/日）", "Volume (items/day)"),
    "plan.approve": ("批准", "Approve"),
    "plan.activate": ("启用", "Activate"),
    "plan.lift": ("解除", "Lift"),
    "plan.effective": ("生效时间", "Effective time"),
    "plan.confirm.approve": ("确认批准此预案？", "Approve this plan?"),
    "plan.confirm.activate": (
        "确认启用此预案？相关分拣关系将立即切换。",
        "Activate this plan? Routing changes at the effective time.",
    ),
    "plan.confirm.lift": (
        "确认解除此预案？将恢复基线分拣关系。",
        "Lift this plan? Routing returns to the baseline.",
    ),
    "plan.compare": ("与人工方案比较", "Compare with a manual plan"),
    "plan.mean_delay": ("平均额外时长", "Mean extra hours"),
    "plan.p95_delay": ("P95 额外时长", "P95 extra hours"),
    "plan.more": ("条，仅显示前", "rows; showing the first"),
    "lifecycle.draft": ("草稿", "Draft"),
    "lifecycle.approved": ("已批准", "Approved"),
    "lifecycle.active": ("生效中", "Active"),
    "lifecycle.lifted": ("已解除", "Lifted"),
    "result.optimal": ("最优", "Optimal"),
    "result.feasible": ("可行（时限内）", "Feasible (time limit)"),
    "result.infeasible": ("无法全部覆盖", "Cannot cover all"),
    "result.cancelled": ("已取消", "Cancelled"),
    "violation.capacity": ("超出能力", "Over capacity"),
    "violation.chutes": ("格口不足", "Not enough chutes"),
    "violation.reach": ("超出车程", "Out of road reach"),
    "violation.backups": ("备份中心过多", "Too many backups"),
    "violation.unserved": ("未覆盖", "Not covered"),
    "violation.ineligible": ("不可作备份", "Not eligible"),
    "run.queued": ("排队中", "Queued"),
    "run.running": ("计算中", "Running"),
    "run.succeeded": ("已完成", "Done"),
    "run.failed": ("失败", "Failed"),
    "run.cancelled": ("已取消", "Cancelled"),
    "compare.title": ("人工方案比较", "Manual plan against the optimum"),
    "compare.paint": (
        "选择备份中心，再在地图上点击地市分配（或在右侧表格中选择）",
        "Pick a backup centre, then click prefectures on the map (or choose in the table)",
    ),
    "compare.upload": ("或上传 YAML 人工方案", "Or upload a manual plan as YAML"),
    "compare.run": ("评估", "Evaluate"),
    "compare.manual": ("人工方案", "Manual plan"),
    "compare.optimal": ("优化方案", "Optimal plan"),
    "compare.cost": ("成本（元/日）", "Cost (CNY/day)"),
    "compare.violations": ("约束违反", "Violations"),
    "compare.gap": ("与最优差距", "Gap to the optimum"),
    "compare.center": ("备份中心", "Backup centre"),
    "compare.regions": ("地区", "Regions"),
    "object.site": ("场地", "Site"),
    "object.scenario": ("场景", "Scenario"),
    "object.plan": ("预案", "Plan"),
    "object.user": ("用户", "User"),
    "kind.center": ("处理中心", "Processing centre"),
    "kind.hub": ("集散中心", "Collection hub"),
    "kind.station": ("投递站", "Delivery station"),
    "plan.old_chain": ("原经转路由", "Before"),
    "plan.new_chain": ("新经转路由", "After"),
    "action.added": ("新增", "Added"),
    "action.removed": ("取消", "Removed"),
    "action.changed": ("变更", "Changed"),
    "plan.bag": ("封发袋牌", "Bag label"),
    "plan.origin_centre": ("寄出中心", "Origin centre"),
    "cost.opening": ("启用备份中心协调成本", "Opening (coordination)"),
    "cost.transport": ("运输成本", "Transport"),
    "cost.surge": ("加班成本", "Surge shifts"),
    "cost.delay": ("时延惩罚", "Delay penalty"),
    "cost.unserved": ("未覆盖惩罚", "Unserved penalty"),
    "cost.total": ("合计（元/日）", "Total (CNY/day)"),
    "audit.title": ("审计日志", "Audit log"),
    "audit.at": ("时间", "When"),
    "audit.actor": ("操作人", "Who"),
    "audit.action": ("操作", "What"),
    "audit.object": ("对象", "Object"),
    "audit.change": ("变更", "Change"),
    "audit.filter": ("筛选", "Filter"),
    "scenario.closures": ("其他停用或受限场地", "Other closed or limited sites"),
    "scenario.closures.hint": (
        "如被淹的处理中心：停用则不作备份；受限则按能力比例计入。",
        "A flooded hub, say: a closed centre is no backup; a limited one counts at its share.",
    ),
    "closure.center": ("处理中心", "Centre"),
    "closure.status": ("状态", "Status"),
    "closure.share": ("能力比例", "Capacity share"),
    "closure.reason": ("原因", "Reason"),
    "audit.since": ("起始日", "From"),
    "audit.until": ("截止日", "To"),
    "audit.empty": ("没有符合条件的记录。", "No entry matches."),
    "lang.switch": ("English", "中文"),
    "users.title": ("用户管理", "Users"),
    "users.role": ("角色", "Role"),
    "users.scope": ("范围", "Scope"),
    "users.state": ("状态", "State"),
    "users.active": ("启用", "Active"),
    "users.inactive": ("已停用", "Deactivated"),
    "users.created": ("创建时间", "Created"),
    "users.change": ("修改角色与范围", "Change role and scope"),
    "users.province": ("省份代码", "Province code"),
    "users.unit": ("单位编码", "Unit code"),
    "users.save": ("保存", "Save"),
    "users.you": ("本人", "you"),
    "users.deactivate": ("停用", "Deactivate"),
    "users.reactivate": ("恢复启用", "Reactivate"),
    "users.reset_password": ("重置密码", "Reset password"),
    "users.new_password": (
        "新密码只显示这一次，请转交本人：",
        "The new password, shown only this once; hand it to its owner:",
    ),
    "users.scope_hint": (
        "全国与省级范围用于管理员、计划员、调度员和只读用户；仓库操作员对应仓库，团长对应团购点，"
        "客服对应客服中心（须填写单位编码及其所在省份）。停用用户或重置密码会立即结束其所有登录。",
        "National and provincial scopes are for admins, planners, dispatchers and viewers; a "
        "warehouse operator has a warehouse, a group leader a group point, a customer-service "
        "agent a call centre (give the unit code and its province). Deactivating a user or "
        "resetting their password ends all their logins at once.",
    ),
    "error.user.not_found": ("没有用户“{username}”。", "No user '{username}'."),
    "error.user.exists": ("用户“{username}”已存在。", "User '{username}' already exists."),
    "error.user.deactivate_self": ("不能停用自己。", "You cannot deactivate yourself."),
    "error.user.last_admin": (
        "“{username}”是最后一位启用的全国管理员，请先设置另一位。",
        "'{username}' is the last active national admin; make another one first.",
    ),
    "error.user.unknown_role": ("未知角色“{value}”。", "Unknown role '{value}'."),
    "error.user.unknown_scope": ("未知范围“{value}”。", "Unknown scope '{value}'."),
    "error.user.bad_name": (
        "用户名须为 2–64 个字母、数字或 _ . -。",
        "A user name is 2-64 letters, digits, '_', '.' or '-'.",
    ),
    "error.user.short_password": ("密码至少 8 个字符。", "A password has at least 8 characters."),
    "error.user.bad_province": (
        "省份代码须为六位数字，如 410000。",
        "A province code has six digits, such as 410000.",
    ),
    "error.user.bad_unit": (
        "请填写单位编码（1–32 个字母、数字或 _ . -）。",
        "Give the unit's code (1-32 letters, digits, '_', '.' or '-').",
    ),
    "error.user.national_with_area": (
        "全国范围不填省份或单位。",
        "A national scope has no province or unit.",
    ),
    "error.user.scope_for_role": (
        "该角色不能使用“{value}”范围：仓库操作员对应仓库，团长对应团购点，客服对应客服中心，其他角色为全国或省。",
        "This role cannot have a '{value}' scope: a warehouse operator has a warehouse, a group "
        "leader a group point, an agent a call centre, the others the country or a province.",
    ),
    "error.user.scope_outside": (
        "省级管理员只能授予本省范围（{value}）。",
        "A provincial admin gives scopes in its own province only ({value}).",
    ),
    "error.audit.unknown_type": ("未知的对象类型“{value}”。", "Unknown object type '{value}'."),
}


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def translate(lang: str, key: str) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    return entry[0] if lang == "zh" else entry[1]


def error_text(lang: str, exc: BaotongError) -> str:
    """A domain error in the page's language.

    The refusals a control room meets most — a zone already claimed by another active
    plan, a plan in the wrong lifecycle state, a plan without a result — are said in
    Chinese from the data the error carries; other messages name fields and values and
    are shown as written.
    """
    data = exc.data
    if lang != "zh" or "id" not in data:
        return exc.message
    if "conflicting_plan_id" in data:
        other = data["conflicting_plan_id"]
        return (f"预案 {data['id']} 无法生效：分区 '{data['zone']}' 已被生效中的预案 {other} 占用。"
                f"请先解除预案 {other}。")  # fmt: skip
    if "lifecycle" in data:
        state = translate(lang, f"lifecycle.{data['lifecycle']}")
        return f"预案 {data['id']} 当前为“{state}”，不能进行这一步。"
    if "plan_status" in data:
        state = translate(lang, f"run.{data['plan_status']}")
        return f"预案 {data['id']} 还没有结果（{state}）。"
    return exc.message


def label(lang: str, value: LabelledEnum) -> str:
    """A status/role/class label in the page's language."""
    return value.label_zh if lang == "zh" else value.label_en
