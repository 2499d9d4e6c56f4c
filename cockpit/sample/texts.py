"""Chinese case summaries: ``{place}{who}反映{problem}{tail}``, e.g. 溪口村3组村民反映路面破损，出行不便。

The parts give 8 problems x 5 speakers x 6 tails = 240 texts per category and place, so copied text
stands out. :func:`summary_table` flattens them for vectorized lookup.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PROBLEMS", "summary_table", "summaries"]

PROBLEMS: dict[str, tuple[str, ...]] = {
    "roads": ("进村道路路面破损，出行不便", "道路坑洼积水，车辆通行困难", "山体滑坡堵塞通组公路",
              "路灯损坏，夜间出行不安全", "道路边坡塌方，存在安全隐患", "错车道不足，会车困难",
              "桥面护栏缺失，存在安全隐患", "雨后路面塌陷，无法通行"),
    "water": ("自来水停水多日", "水压不足，高处农户用水困难", "自来水浑浊有异味", "主水管破裂漏水",
              "供水时断时续", "水表计量有误，水费偏高", "山塘水源被污染", "干旱季节饮水困难"),
    "sanitation": ("垃圾清运不及时，气味难闻", "河道漂浮垃圾无人清理", "公厕无人打扫", "污水直排沟渠",
                   "垃圾桶破损未更换", "养殖场粪污影响周边环境", "焚烧秸秆烟雾扰民", "排水沟堵塞发臭"),
    "school": ("孩子入学手续办理困难", "校车接送时间安排不合理", "学校周边存在交通安全隐患",
               "幼儿园学位紧张", "学生午餐质量有问题", "留守儿童放学后无人看管",
               "教学点撤并后上学路远", "咨询学费减免政策"),
    "clinic": ("村卫生室经常无人值班", "常用药品缺货", "慢性病药品报销不便", "家庭医生签约后未上门随访",
               "卫生室设备老旧", "夜间看病难", "疫苗接种预约困难", "咨询医保缴费问题"),
    "elderly": ("独居老人无人照料", "居家养老服务站开放时间短", "老年食堂饭菜不合口味",
                "高龄补贴未按时发放", "养老服务站活动太少", "失能老人护理费用负担重",
                "申请入住敬老院手续繁琐", "老人助餐送餐不及时"),
    "assistance": ("低保申请迟迟没有结果", "临时救助款未到账", "残疾人补贴发放有误",
                   "困难家庭医疗救助申请受阻", "特困人员供养金偏低", "因灾受损房屋救助未落实",
                   "咨询低保政策", "救助对象认定不公"),
    "broadband": ("宽带网速慢，经常断网", "手机信号差，通话困难", "光纤未入户", "宽带报装后迟迟未安装",
                  "5G信号覆盖不到", "老人不会使用线上办事", "网络资费偏高", "电视信号中断"),
    "dispute": ("邻居占用公共通道", "宅基地边界纠纷", "山林权属纠纷", "邻里因排水问题发生矛盾",
                "家庭赡养纠纷", "土地流转租金纠纷", "建房遮挡采光引发纠纷", "宠物扰邻引发矛盾"),
    "noise": ("夜间施工噪声扰民", "广场舞音响声音过大", "加工厂机器噪声影响休息", "商铺喇叭噪声扰民",
              "红白喜事鞭炮扰民", "货车夜间鸣笛扰民", "棋牌室深夜喧哗", "养殖场噪声扰民"),
    "agriculture": ("农田灌溉水渠损坏", "农资补贴未到账", "野猪毁坏庄稼", "茶园病虫害严重",
                    "农产品销售困难", "耕地撂荒无人管理", "农机作业道损坏", "咨询农业保险理赔"),
    "culture": ("文化活动场所设施损坏", "农家书屋长期不开放", "希望增加文艺演出", "篮球场灯光损坏",
                "健身器材老化存在隐患", "电影下乡放映次数少", "老年活动室缺少桌椅", "希望组织体育比赛"),
}
_WHO = (("村民", "群众", "多户村民", "村民代表", "一位老人"),
        ("居民", "群众", "多户居民", "业主代表", "一位老人"))
_TAILS = ("", "，希望尽快处理", "，要求相关部门协调解决", "，已多次反映", "，请求上门查看", "，影响日常生活")


def summary_table(category_ids: list[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Flattened texts ``{who}反映{problem}{tail}``: (texts, offset per category, texts per speaker group).

    Texts of category ``k`` and speaker group ``g`` (0 rural, 1 urban) occupy
    ``texts[offset[k] + g * per_group : offset[k] + (g + 1) * per_group]``.
    """
    texts: list[str] = []
    offsets = []
    per_group = 0
    for cid in category_ids:
        offsets.append(len(texts))
        for group in _WHO:
            block = [w + "反映" + p + t for p in PROBLEMS[cid] for w in group for t in _TAILS]
            per_group = len(block)
            texts += block
    return np.array(texts), np.array(offsets), per_group


def summaries(place: np.ndarray, category: np.ndarray, urban: np.ndarray, u: np.ndarray,
              table: tuple[np.ndarray, np.ndarray, int]) -> np.ndarray:
    """Case summaries for places, category indices, urban flags and uniforms ``u`` in [0, 1)."""
    texts, offsets, per_group = table
    idx = offsets[category] + urban.astype(np.int64) * per_group + (u * per_group).astype(np.int64)
    return np.strings.add(np.strings.add(place, texts[idx]), "。")
