"""One realistic, valid nomination per list, as a browser would post it (flat form fields).

The demo command submits these for the demo units; the tests use them as the valid example of
each form. The 统一社会信用代码 values pass the GB 32100-2015 check.
"""

from forms.new_enterprise import recent_years

COMMON = {
    "contact_name": "王明",
    "contact_phone": "010-68283463",
    "contact_email": "kczg@example.org",
    "opinion": "该成果创新性突出，产业化前景良好，经本单位组织专家评议，同意推荐。",
    "pledge": "y",
}


def rows(group: str, fields: tuple[str, ...], *values: tuple[str, ...]) -> dict[str, str]:
    """A repeating group's rows as a form posts them: group-0-field, group-1-field, …"""
    return {f"{group}-{i}-{f}": v for i, row in enumerate(values) for f, v in zip(fields, row)}


SAMPLES: dict[str, dict[str, str]] = {
    "xdjs": {
        "domain": "dzxx",
        "tech_name": "面向边缘计算的低功耗人工智能芯片架构",
        "first_unit": "北京示例微电子科技有限公司",
        "first_unit_uscc": "91110108551385082Q",
        "summary": "本技术提出一种存算一体的神经网络加速架构，在28纳米工艺下实现每瓦10万亿次运算，支持主流深度学习模型在端侧设备上的实时推理。",
        "innovations": "1. 提出可重构的稀疏计算阵列；2. 设计面向低比特量化的片上存储层次；3. 研制配套的编译工具链，模型部署周期缩短60%。",
        "trl": "7",
        "application": "已在智能安防、工业质检等领域的12家企业批量应用，累计出货芯片30万片。",
        "sales_new": "18500.50",
        "profit_new": "3200",
        **rows("other_units", ("name",),
               ("清华大学",),
               ("中国科学院计算技术研究所",)),
        **rows("people", ("name", "unit", "title", "contribution"),
               ("张伟", "北京示例微电子科技有限公司", "研究员", "总体架构设计与技术路线制定"),
               ("李娜", "清华大学", "教授", "稀疏计算单元与编译器协同优化")),
        **rows("ip", ("kind", "name", "number", "granted"),
               ("发明专利", "一种稀疏神经网络加速方法及装置", "ZL201910000001.X", "2020-06-18"),
               ("软件著作权", "边缘智能编译器软件V1.0", "2020SR0000001", "2020-03-02")),
    },
    "xrqy": {
        "company_name": "杭州示例智能科技有限公司",
        "uscc": "91350100M000100Y43",
        "founded": "2016-05-20",
        "registered_capital": "5000",
        "province": "浙江省",
        "city": "杭州市",
        "legal_rep": "陈晨",
        "employees": "320",
        "rd_staff": "180",
        "business": "企业专注于工业机器视觉检测，自主研发高精度成像与深度学习检测算法。",
        "growth": "近三年营业收入年均增长超过120%，产品已进入新能源电池、汽车零部件等行业头部企业。",
        **rows("financing", ("round", "amount", "investors", "date"),
               ("A轮", "8000", "示例创业投资基金", "2018-09-01"),
               ("B轮", "30000", "示例产业投资集团", "2020-11-15")),
        **rows("core_ip", ("kind", "name", "number", "granted"),
               ("发明专利", "一种机器视觉缺陷检测方法", "ZL201810000002.3", "2019-12-10")),
    },
    "cxyrt": {
        "org_name": "长三角示例先进制造产业技术创新联盟",
        "org_type": "产业技术创新战略联盟",
        "founded": "2017-03-08",
        "lead_unit": "示例机械研究总院",
        "lead_uscc": "91110108551385082Q",
        "mechanism": "实行理事会领导下的秘书处负责制，设立联合研发基金，成果收益按投入比例共享。",
        "achievements": "组织实施联合攻关项目26项，制定团体标准9项，孵化科技型企业14家。",
        "transfer_income": "12600",
        **rows("members", ("name", "kind"),
               ("上海交通大学", "高校"),
               ("示例装备制造股份有限公司", "企业"),
               ("江苏省示例产业技术研究院", "科研院所")),
    },
    "kycx": {
        "project_name": "示例分布式数据库",
        "category": "项目",
        "repo_url": "https://gitee.com/example/distributed-db",
        "license": "MulanPSL-2.0",
        "first_release": "2019-08-01",
        "maintainer": "示例开源软件基金会",
        "stars": "12800",
        "forks": "2300",
        "contributors": "460",
        "commits_last_year": "5200",
        "intro": "面向金融级场景的开源分布式关系型数据库，兼容主流SQL语法，支持强一致与高可用。",
        "innovation": "提出多副本日志复制与全局时钟结合的事务机制，跨地域部署时延降低40%。",
        "community": "拥有来自80余家企业的贡献者，每月举办线上技术分享，建有中文文档与培训认证体系。",
        **rows("adopters", ("name",),
               ("示例银行股份有限公司",),
               ("示例证券有限责任公司",)),
    },
    "kjtz": {
        "org_name": "示例科技创业投资管理有限公司",
        "uscc": "91350100M000100Y43",
        "founded": "2012-10-10",
        "aum": "85.5",
        "funds": "12",
        "projects": "210",
        "early_ratio": "65",
        "post_investment": "建立投后服务平台，为被投企业提供人才招聘、市场拓展和后续融资服务。",
        "intro": "专注早期硬科技投资，重点关注集成电路、生物医药和新材料领域。",
        **rows("cases", ("company", "round", "amount", "date", "exit"),
               ("示例量子科技有限公司", "天使轮", "2000", "2017-04-01", "未退出"),
               ("示例生物医药有限公司", "A轮", "5000", "2016-07-12", "科创板上市后部分退出")),
    },
    "tpdb": {
        "tech_name": "高精度数控机床主轴关键技术",
        "unit": "示例机床集团有限公司",
        "unit_uscc": "91110108551385082Q",
        "weak_link": "高速精密电主轴长期依赖进口，是高档数控机床的短板环节。",
        "localization": "产品已替代进口用于航空结构件加工，价格为进口产品的60%。",
        "trl": "8",
        "application": "已在8家航空航天制造企业应用，累计装机400余台。",
        **rows("indicators", ("indicator", "ours", "foreign"),
               ("最高转速", "24000 r/min", "24000 r/min"),
               ("径向跳动", "≤1 μm", "≤1 μm")),
        **rows("ip", ("kind", "name", "number", "granted"),
               ("发明专利", "一种电主轴热变形补偿方法", "ZL201710000003.6", "2019-05-21")),
    },
}


# 新锐企业榜's revenue and R&D (万元) of “近三年”, oldest first: keyed by the campaign's years
RECENT_FIGURES = {"revenue": ("4200", "9800", "21000"), "rd": ("1500", "2600", "4100")}


def sample(code: str, year: int = 2021, **overrides) -> dict[str, str]:
    """The valid example for list `code` with the common block, changed by `overrides`; a
    form whose fields follow the campaign's year (新锐企业榜) gets that year's (the demo's
    campaign is 2021's)."""
    data = {**SAMPLES[code], **COMMON}
    if code == "xrqy":
        for kind, figures in RECENT_FIGURES.items():
            data.update({f"{kind}_{y}": v for y, v in zip(recent_years(year), figures)})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# the demo's descriptive texts differ from one nomination to the next (identical texts from two
# units are what the 疑似重复 page flags): sentences drawn from these by a seeded generator
TERMS = ["存算一体芯片", "时间敏感网络", "激光增材制造", "固态电解质", "基因测序", "机器视觉",
         "工业软件", "碳化硅功率器件", "高速电主轴", "柔性显示", "量子通信", "光刻胶", "航空发动机叶片",
         "智能网联汽车", "储能电池管理", "氢燃料电池", "生物可降解材料", "无人机集群", "卫星遥感",
         "海洋监测浮标", "精准农业传感", "种业育种平台", "污水深度处理", "土壤修复", "数字孪生工厂",
         "工业互联网标识", "毫米波雷达", "脑机接口", "手术机器人", "核磁共振成像", "疫苗递送系统",
         "分布式数据库", "开源操作系统", "边缘计算网关", "区块链存证", "高精度地图", "超导材料",
         "钙钛矿光伏", "风电齿轮箱", "特高压输电", "轨道交通信号", "盾构装备", "智能电网调度",
         "医用影像算法", "细胞治疗", "合成生物", "稀土永磁", "碳纤维复合材料", "半导体清洗设备"]
SENTENCES = ["围绕{a}，突破了{b}的核心工艺，{c}指标优于同类产品。",
             "项目将{a}、{b}与{c}结合。", "成果在{a}、{b}和{c}等场景落地，服务用户{n}家。",
             "针对{a}依赖进口，研制了{b}和{c}样机。", "依托{a}平台建成{b}中试线，年产{c}{n}套。",
             "牵头制定{a}标准{k}项，带动{b}与{c}协同发展。", "{a}的良率由{k}成提高到九成，{b}成本下降。",
             "与{a}企业共建{b}联合实验室，孵化{c}项目{k}个。", "获{a}发明专利{n}件，{b}软件著作权{k}项。",
             "{a}实现批量应用，{b}替代进口，{c}出口{k}个国家。", "培养{a}人才{n}名，{b}团队入选国家计划。",
             "{a}与{b}数据贯通，{c}响应时间缩短{k}成。"]


def varied_text(seed: str, sentences: int = 2) -> str:
    """A plausible descriptive text, the same for the same seed and unlike another seed's."""
    import random

    rng = random.Random(seed)
    terms = rng.sample(TERMS, 3 * sentences)
    return "".join(pattern.format(a=terms[3 * i], b=terms[3 * i + 1], c=terms[3 * i + 2],
                                  n=rng.randint(20, 900), k=rng.randint(2, 9))
                   for i, pattern in enumerate(rng.sample(SENTENCES, sentences)))
