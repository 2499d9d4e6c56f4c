"""Reference lists of the sample township: service domains, departments and appeal categories."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["DOMAINS", "DEPARTMENTS", "CATEGORIES", "NORMS", "Category", "domains_frame",
           "departments_frame", "norms_frame", "categories_frame"]

# (domain_id, name_zh, name_en)
DOMAINS: tuple[tuple[str, str, str], ...] = (
    ("education", "教育", "Education"),
    ("health", "医疗卫生", "Health"),
    ("elderly", "养老", "Elderly care"),
    ("culture", "文化体育", "Culture and sports"),
    ("assistance", "社会救助", "Social assistance"),
    ("digital", "数字接入", "Digital access"),
)

# (department_id, name_zh, name_en)
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("EDU", "教育办", "Education Office"),
    ("HLT", "卫健办", "Health Office"),
    ("CIV", "民政办", "Civil Affairs Office"),
    ("CUL", "文化站", "Culture Station"),
    ("SOC", "社会事务办", "Social Affairs Office"),
    ("URB", "城建办", "Urban Construction Office"),
    ("AGR", "农业农村办", "Agriculture Office"),
    ("GOV", "综治中心", "Comprehensive Governance Centre"),
    ("ADM", "党政办", "Party and Government Office"),
)


@dataclass(frozen=True)
class Category:
    """An appeal category with its owner, deadlines and mix.

    ``weight`` is the base share of cases; ``remote_tilt`` makes it more (+) or less (-) frequent in
    remote villages: weight * (1 + remote_tilt * (remoteness - 0.5)).
    """

    category_id: str
    domain_id: str | None
    department_id: str
    name_zh: str
    name_en: str
    response_hours: float
    days_to_close: int
    weight: float
    remote_tilt: float


CATEGORIES: tuple[Category, ...] = (
    Category("roads", None, "URB", "道路交通", "Roads and transport", 4, 10, 0.14, 0.8),
    Category("water", None, "URB", "供水", "Water supply", 2, 5, 0.10, 0.6),
    Category("sanitation", None, "URB", "环境卫生", "Sanitation", 4, 7, 0.12, -0.2),
    Category("school", "education", "EDU", "教育入学", "Schools and enrolment", 24, 15, 0.06, 0.0),
    Category("clinic", "health", "HLT", "医疗服务", "Clinics and health care", 4, 7, 0.07, 0.4),
    Category("elderly", "elderly", "CIV", "养老服务", "Elderly care", 24, 10, 0.07, 0.6),
    Category("assistance", "assistance", "SOC", "救助补贴", "Subsidies and assistance", 24, 15, 0.09, 0.4),
    Category("broadband", "digital", "ADM", "网络通信", "Broadband and mobile", 24, 10, 0.07, 0.8),
    Category("dispute", None, "GOV", "邻里纠纷", "Neighbour disputes", 2, 7, 0.09, -0.4),
    Category("noise", None, "GOV", "噪声扰民", "Noise", 2, 5, 0.05, -1.2),
    Category("agriculture", None, "AGR", "农业生产", "Agriculture", 24, 15, 0.09, 1.0),
    Category("culture", "culture", "CUL", "文体活动", "Culture and sports", 24, 15, 0.04, -0.2),
)


def domains_frame() -> pd.DataFrame:
    """The domains table (sort_order 1..6)."""
    df = pd.DataFrame(DOMAINS, columns=["domain_id", "name_zh", "name_en"])
    df["sort_order"] = range(1, len(df) + 1)
    return df


def departments_frame() -> pd.DataFrame:
    """The departments table."""
    return pd.DataFrame(DEPARTMENTS, columns=["department_id", "name_zh", "name_en"])


def categories_frame() -> pd.DataFrame:
    """The categories table (domain_id empty for categories outside the six service domains)."""
    rows = [(c.category_id, c.domain_id, c.department_id, c.name_zh, c.name_en,
             float(c.response_hours), c.days_to_close) for c in CATEGORIES]
    return pd.DataFrame(rows, columns=["category_id", "domain_id", "department_id", "name_zh",
                                       "name_en", "response_hours", "days_to_close"])


NORMS = (
    ("clinic_per_village", "health", "facility_count", 1.0, "village", "每个行政村至少一个村卫生室",
     "At least one village clinic per administrative village",
     "村卫生室建设标准（一村一室）"),
    ("broadband_all", "digital", "broadband_share", 1.0, "all", "宽带入户全覆盖",
     "Broadband in every household", "数字乡村发展行动计划"),
    ("education_coverage", "education", "coverage", 0.90, "all", "教育服务覆盖率不低于90%",
     "Education coverage of at least 90%", "乡镇基本公共服务目标（可调整）"),
    ("health_coverage", "health", "coverage", 0.90, "all", "医疗卫生覆盖率不低于90%",
     "Health coverage of at least 90%", "乡镇基本公共服务目标（可调整）"),
    ("elderly_coverage", "elderly", "coverage", 0.85, "all", "养老服务覆盖率不低于85%",
     "Elderly-care coverage of at least 85%", "乡镇基本公共服务目标（可调整）"),
    ("culture_coverage", "culture", "coverage", 0.85, "all", "文体服务覆盖率不低于85%",
     "Culture and sports coverage of at least 85%", "乡镇基本公共服务目标（可调整）"),
    ("assistance_coverage", "assistance", "coverage", 0.90, "all", "社会救助覆盖率不低于90%",
     "Social-assistance coverage of at least 90%", "乡镇基本公共服务目标（可调整）"),
)


def norms_frame() -> pd.DataFrame:
    """The default norms table of the sample township (targets are data, not code)."""
    return pd.DataFrame(NORMS, columns=["norm_id", "domain_id", "measure", "threshold", "applies_to",
                                        "name_zh", "name_en", "source"])
