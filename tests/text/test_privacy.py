"""Masking of personal fields."""

import math

import pandas as pd

from cockpit.text.privacy import mask_address, mask_frame, mask_name, mask_phone


def test_names_keep_the_first_character():
    assert mask_name("张三") == "张*"
    assert mask_name("李小明") == "李**"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name(" 王五 ") == "王*"
    assert mask_name("张") == "张*"  # never shows a whole name
    assert mask_name(None) is None and mask_name("") == ""
    assert math.isnan(mask_name(float("nan")))


def test_phones_keep_three_and_four_digits():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("138-1234-1234") == "138****1234"
    assert mask_phone("059912345678") == "059*****5678"
    assert mask_phone("12345") == "*****"
    assert mask_phone(13812341234) == "138****1234"
    assert mask_phone(None) is None


def test_addresses_are_cut_to_the_village():
    assert mask_address("青溪镇岭头村12组26号") == "青溪镇岭头村"
    assert mask_address("青溪镇城关社区府前路170号") == "青溪镇城关社区"
    assert mask_address("青溪镇村头村3组") == "青溪镇村头村"
    assert mask_address("青溪镇某某路5号") == "青溪镇"
    assert mask_address("somewhere 5") == "***"
    assert mask_address(None) is None


def test_mask_frame_masks_only_personal_columns_unless_allowed():
    df = pd.DataFrame({"case_id": ["1", "2"], "citizen_name": ["张三", None],
                       "phone": ["13812341234", "13900001111"],
                       "address": ["青溪镇岭头村1组2号", "青溪镇溪滨社区中山路110号"]})
    masked = mask_frame(df)
    assert masked["citizen_name"][0] == "张*" and pd.isna(masked["citizen_name"][1])
    assert masked.drop(columns="citizen_name").to_dict("list") == {
        "case_id": ["1", "2"], "phone": ["138****1234", "139****1111"],
        "address": ["青溪镇岭头村", "青溪镇溪滨社区"]}
    assert df.loc[0, "phone"] == "13812341234"  # the input is not changed
    assert mask_frame(df, allowed=True).equals(df)
    assert mask_frame(df[["case_id"]]).equals(df[["case_id"]])


def test_free_text_loses_what_points_at_a_person():
    from cockpit.text.privacy import mask_frame, mask_text
    text = "岭头村12组3栋2单元501室张三 13812341234，身份证35078119800101123X，座机0599-5551234"
    masked = mask_text(text)
    assert masked == "岭头村*组*栋*单元*室张三 138****1234，身份证******************，座机****"
    assert mask_text(None) is None and mask_text("路灯坏了") == "路灯坏了"
    frame = pd.DataFrame({"summary": ["溪口村3组路灯坏了"]})
    assert mask_frame(frame)["summary"].tolist() == ["溪口村*组路灯坏了"]
    assert mask_frame(frame, allowed=True)["summary"].tolist() == ["溪口村3组路灯坏了"]
