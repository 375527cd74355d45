"""The public site shows the notice's lists, sizes, quotas, calendar and contacts."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

LIST_NAMES = ["先导技术榜", "新锐企业榜", "产学研融通组织榜", "开源创新榜", "科技创业投资机构榜",
              "青年创业榜", "突破短板关键技术榜（装备制造领域）"]


def text(r):
    return r.get_data(as_text=True)


def cells(r) -> list[str]:
    """The text of every table cell, as a reader sees it."""
    return [re.sub(r"<[^>]+>|\s+", "", c)
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", text(r), re.S)]


def test_home_shows_the_seven_lists_sizes_quotas_and_bodies(client):
    r = client.get("/")
    body, table = text(r), cells(r)
    for name in LIST_NAMES:
        assert name in body
    # each list row: name, size, quota, review body
    i = table.index("先导技术榜")
    assert table[i:i + 4] == ["先导技术榜", "100项（六个领域合计）", "每个领域不超过2项", "按领域，见下"]
    i = table.index("新锐企业榜")
    assert table[i:i + 4] == ["新锐企业榜", "100项", "不超过5项", "“科创中国”联合体秘书处"]
    i = table.index("开源创新榜")
    assert table[i:i + 4] == ["开源创新榜", "70项", "不超过2项", "“科创中国”开源创新联合体"]
    i = table.index("青年创业榜另行通知")
    assert table[i:i + 4] == ["青年创业榜另行通知", "90项", "另行通知", "—"]
    i = table.index("电子信息领域")
    assert table[i:i + 4] == ["电子信息领域", "—", "不超过2项", "中国科协信息科技学会联合体"]
    for domain in ("电子信息领域", "装备制造领域", "先进材料领域", "生物医药领域", "资源环境领域",
                   "现代农林领域"):
        assert domain in body
    assert body.count('class="contact"') == 10
    for fact in ("郑伯龙", "zhangpu@gei.com.cn", "北京市西城区白纸坊东街2号经济日报社综合楼8层",
                 "徐春淼", "15810910998", "祝翠", "13041190068", "010-63589150"):
        assert fact in body


def test_home_shows_the_deadline_phase_and_countdown(client):
    with time_machine.travel(datetime(2021, 10, 28, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        body = text(client.get("/"))
    assert "网上申报截止时间：<strong>2021年10月30日24时</strong>" in body
    assert "当前阶段：" in body and "<strong>组织征集</strong>" in body
    assert "申报进行中" in body
    assert "距离网上申报截止还有 <strong class=\"time-left\">2天12小时</strong>" in body
    assert "下一节点" not in body  # the deadline is the next milestone itself


def test_after_the_deadline_the_site_says_closed(client):
    with time_machine.travel(datetime(2021, 10, 31, 0, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai"))):
        body = text(client.get("/partials/countdown"))
    assert "申报已截止" in body and "申报进行中" not in body


def test_countdown_partial_is_an_htmx_fragment(client):
    r = client.get("/partials/countdown", headers={"HX-Request": "true"})
    body = text(r)
    assert r.status_code == 200 and "<html" not in body
    assert 'hx-trigger="every 60s"' in body


def test_list_pages(client):
    body = text(client.get("/lists/xdjs"))
    assert "先导技术榜" in body and "中国科协生命科学学会联合体" in body and "负责：生物医药领域" in body
    body = text(client.get("/lists/qncy"))
    assert "本榜单另行通知，暂不在本平台开放申报" in body
    assert client.get("/lists/nope").status_code == 404
    assert client.get("/lists/%3Cscript%3E").status_code == 404


def test_notice_page(client):
    body = text(client.get("/notice"))
    assert "中国科协办公厅关于征集遴选2021“科创中国”榜单的通知" in body
    assert "申报截止时间为2021年10月30日24时" in body
    # structured: headings, numbered requirements, the contacts as a table
    assert "<h2>一、榜单设置</h2>" in body and "<h3>（一）初评机构</h3>" in body
    assert re.search(r'<ol class="notice-items">\s*<li>坚持公平、公正、公开的原则', body)
    contacts = body.split('<table class="data notice-contacts">')[1].split("</table>")[0]
    assert "<th>单位（负责）</th>" in contacts and "<th>联系人</th>" in contacts
    assert re.search(r"<td>中国科协信息科技学会联合体（先导技术榜电子信息领域）</td>\s*<td>郑伯龙</td>",
                     contacts)
    assert body.count("<tr>") >= 13  # ten bodies, the consultations, the technical support


def test_htmx_is_served_from_our_static_files(client):
    body = text(client.get("/"))
    assert '<script src="/static/vendor/htmx.min.js"' in body
    assert "unpkg" not in body and "cdn" not in body.lower()
    r = client.get("/static/vendor/htmx.min.js")
    assert r.status_code == 200 and b"htmx" in r.data[:2000]
    r.close()


def test_pages_are_chinese_and_mobile_ready(client):
    body = text(client.get("/"))
    assert '<html lang="zh-CN">' in body and 'name="viewport"' in body


def test_unknown_page_is_a_chinese_404(client):
    r = client.get("/does-not-exist")
    assert r.status_code == 404 and "页面不存在" in text(r)


def test_oversized_body_is_a_friendly_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    r = client.post("/login", data={"username": "x" * 5000, "password": "y"})
    assert r.status_code == 413 and "上传内容过大" in text(r)


def test_invalid_utf8_does_not_500(client):
    r = client.post("/login", data=b"username=%FF%FE&password=%C3%28",
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code in (400, 401) and r.status_code != 500
    r = client.get("/lists/%FF")
    assert r.status_code == 404


def test_notice_files_published_by_the_secretariat(app, client):
    """The secretariat publishes a guide (DOCX) with the notice; anyone downloads it from the
    notice page; a file that is no Word, Excel or PDF is refused in Chinese."""
    import io

    import docx as python_docx

    from tests.conftest import csrf_token, login

    guide = python_docx.Document()
    guide.add_paragraph("平台使用指南")
    buf = io.BytesIO()
    guide.save(buf)
    login(client, "secretariat")
    token = csrf_token(client, "/secretariat/notice-files")
    r = client.post("/secretariat/notice-files", data={
        "csrf_token": token, "title": "平台使用指南", "file": (io.BytesIO(buf.getvalue()), "指南.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "已发布附件“平台使用指南”" in r.get_data(as_text=True)
    r = client.post("/secretariat/notice-files", data={
        "csrf_token": token, "title": "伪装的文件", "file": (io.BytesIO(b"MZ\x90\x00evil"), "x.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "只能上传 PDF、DOCX 或 XLSX 文件" in r.get_data(as_text=True)
    r = client.post("/secretariat/notice-files", data={
        "csrf_token": token, "title": "坏的Word", "file": (io.BytesIO(b"PK\x03\x04broken"), "x.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "文件已损坏或不是Word/Excel文件" in r.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    page = client.get("/notice").get_data(as_text=True)
    link = re.search(r'<a href="(/notice/files/\d+)">平台使用指南</a>', page)
    assert link and "伪装的文件" not in page and "坏的Word" not in page
    r = client.get(link.group(1))
    assert r.status_code == 200 and r.data == buf.getvalue()
    assert "filename*=UTF-8''%E6%8C%87%E5%8D%97.docx" in r.headers["Content-Disposition"]


def test_home_follows_a_change_of_the_years_facts(client, db):
    """The home page's lists, bodies and contacts are rendered once per version of the year's
    facts: a body's new phone number or a list closed shows on the next visit."""
    from kczg.models import NominationList, ReviewBody

    before = text(client.get("/"))
    body = ReviewBody.get(ReviewBody.short_id == "it")
    assert "010-99990000" not in before
    body.phones = "010-99990000"
    body.save()  # a fact of the year: the facts' version moves on
    lst = NominationList.get(NominationList.code == "kjtz")
    lst.is_open, lst.status_note = False, "本年度暂停征集"
    lst.save()
    after = text(client.get("/"))
    assert "010-99990000" in after and "本年度暂停征集" in after
