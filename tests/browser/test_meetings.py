"""From a meeting record to the commendation decision it approved, in the real 2021 data."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("documents_2021", "signed_in"),
]

DECISION_TITLE = "昌江区人民政府关于通报表彰2020年度工业十强及纳税十强企业的决定"


def test_the_99th_meeting_leads_to_the_decision_it_approved_with_both_lists_side_by_side(page):
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="常务会议").click()
    expect(page.locator(".result-count")).to_have_text("共 2 项")
    with page.expect_navigation():
        page.get_by_role("link", name="第99次", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("区政府第99次常务会议")
    approved = page.locator(".agenda-group").filter(has=page.get_by_role("heading", name="审议通过", exact=True))
    expect(approved).to_contain_text("昌府字〔2021〕22号")
    with page.expect_navigation():
        approved.get_by_role("link", name=f"《{DECISION_TITLE}》").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(DECISION_TITLE)
    expect(page.locator("dt:text-is('会议审议') + dd")).to_contain_text("区政府第99次常务会议")
    industry = page.get_by_role("region", name="工业十强")
    tax = page.get_by_role("region", name="纳税十强")
    expect(industry.locator("tbody tr")).to_have_count(10)
    expect(tax.locator("tbody tr")).to_have_count(10)
    industry_box, tax_box = industry.bounding_box(), tax.bounding_box()
    assert industry_box["y"] == tax_box["y"], "the two lists should stand side by side"
    assert industry_box["x"] + industry_box["width"] <= tax_box["x"]

    for honour_list, other in ((industry, "纳税十强"), (tax, "工业十强")):
        fuxiang = honour_list.get_by_role("row").filter(has_text="江西富祥药业股份有限公司")
        expect(fuxiang.locator("td").first).to_have_text("1")
        expect(fuxiang.locator(".badge")).to_have_text("两榜")
        expect(fuxiang.locator(".badge")).to_have_attribute("title", f"同时列入：{other}")
    # Only the enterprises on both lists carry the mark.
    single = industry.get_by_role("row").filter(has_text="景德镇市宏亿电子科技有限公司")
    expect(single.locator(".badge")).to_have_count(0)
