"""Choice lists the nomination forms share."""

TRL = [
    (1, "TRL 1 基本原理被发现和报告"), (2, "TRL 2 形成技术概念或应用方案"),
    (3, "TRL 3 关键功能和特性通过分析与实验验证"), (4, "TRL 4 实验室环境中部件验证"),
    (5, "TRL 5 相关环境中部件验证"), (6, "TRL 6 相关环境中系统或原型验证"),
    (7, "TRL 7 实际环境中原型演示"), (8, "TRL 8 实际系统完成并通过测试"),
    (9, "TRL 9 实际系统经成功运行验证"),
]

PROVINCES = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
    "新疆生产建设兵团", "香港特别行政区", "澳门特别行政区", "台湾省",
]

# OSI-approved licences by SPDX id, plus the Mulan Permissive Software License v2.
LICENSES = [
    "Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "ISC", "Zlib", "BSL-1.0",
    "MPL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.2", "CDDL-1.0", "Artistic-2.0", "UPL-1.0",
    "PostgreSQL", "NCSA", "OFL-1.1", "Unlicense",
    "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later",
    "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
    "AGPL-3.0-only", "AGPL-3.0-or-later", "MulanPSL-2.0",
]

ORG_TYPES = ["产业技术创新战略联盟", "新型研发机构", "创新联合体", "产业技术研究院", "协同创新中心",
             "其他"]
OSS_CATEGORIES = ["项目", "社区"]
