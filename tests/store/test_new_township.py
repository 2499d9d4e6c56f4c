"""A new township: the empty database, the CLI that makes it, and the checklist of what each page needs."""

from __future__ import annotations

import json

import duckdb
import pytest

from cockpit.cli import main
from cockpit.metrics.readiness import NEEDS, checklist, missing_for
from cockpit.store import Store
from cockpit.store.build import BuildError
from cockpit.store.new_township import create_township


def test_new_township_cli_makes_an_empty_real_database_and_refuses_an_existing_file(tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    assert main(["new-township", "--name-zh", "新安镇", "--name-en", "Xin'an Town", "--db", str(db)]) == 0
    assert "no villages yet" in capsys.readouterr().out
    store = Store(db)
    assert store.meta()["township_name_zh"] == "新安镇" and store.meta()["synthetic"] == "false"
    assert store.contents() == {"villages": 0, "facilities": 0, "party": 0, "coverage": 0, "allocations": 0,
                                "cases": 0}
    assert list(store.domains()["domain_id"]) == ["education", "health", "elderly", "culture", "assistance",
                                                  "digital"]
    assert len(store.categories()) == 12 and store.periods() == []
    store.close()
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT event FROM audit_log").fetchall() == [("data_real",)]
    before = db.read_bytes()
    assert main(["new-township", "--name-zh", "别镇", "--name-en", "Other", "--db", str(db)]) == 2
    assert "exists" in capsys.readouterr().err and db.read_bytes() == before


def test_a_township_needs_a_name_in_both_languages(tmp_path):
    with pytest.raises(BuildError, match="name"):
        create_township(tmp_path / "t.duckdb", "新安镇", "  ", {})
    assert not list(tmp_path.iterdir())


def test_the_sample_holds_every_part(sample_db):
    store = Store(sample_db, read_only=True)
    items = checklist(store.contents(), boundaries=19)
    store.close()
    assert all(i.ready for i in items) and not any(missing_for(p, items) for p in NEEDS)
    by_key = {i.part.key: i for i in items}
    assert by_key["coverage"].count == 24 and by_key["villages"].count == 19
    assert by_key["boundaries"].pages == ("map",) and "whatif" in by_key["allocations"].pages


def test_what_each_page_misses_as_a_township_fills():
    empty = {"villages": 0, "facilities": 0, "party": 0, "coverage": 0, "allocations": 0, "cases": 0}
    items = checklist(empty, boundaries=0)
    assert missing_for("map", items) == ["villages", "boundaries", "month"]
    assert missing_for("data", items) == [] and missing_for("admin", items) == []
    items = checklist({**empty, "villages": 12, "cases": 1}, boundaries=12)
    assert missing_for("overview", items) == [] and missing_for("cases", items) == []
    assert missing_for("services", items) == ["coverage"]
    assert missing_for("whatif", items) == ["coverage", "allocations"]
    assert missing_for("party", items) == ["party"]


def _boundaries_of_a_new_township(path):
    """Three villages in a row (DataV-style properties: integer adcode, name, a community flag)."""
    from tests import importer_fixtures as fx

    features = [fx.feature(None, fx.square(118.0 + 0.02 * i, 27.0, 118.02 + 0.02 * i, 27.02),
                           {"adcode": 350781105201 + i, "name": name, "类型": kind})
                for i, (name, kind) in enumerate([("溪口村", "村"), ("城关社区", "社区"), ("长乐村", "村")])]
    path.write_text(json.dumps(fx.collection(features), ensure_ascii=False), encoding="utf-8")
    return path


def test_a_new_township_starts_from_its_boundaries_on_the_command_line_and_undo_takes_it_back(tmp_path, capsys):
    db, geodata = tmp_path / "t.duckdb", tmp_path / "t.geojson"
    main(["new-township", "--name-zh", "新安镇", "--name-en", "Xin'an Town", "--db", str(db)])
    source = _boundaries_of_a_new_township(tmp_path / "datav.json")
    common = ["--db", str(db), "--geodata", str(geodata), "--imports-dir", str(tmp_path / "imp")]
    assert main(["import", "boundaries", str(source), *common]) == 1        # unknown codes: nothing loaded
    assert "does not exist" in capsys.readouterr().out and not geodata.exists()
    assert main(["import", "boundaries", str(source), "--create-villages", *common]) == 0
    out = capsys.readouterr().out
    assert "3 villages created from their boundaries" in out
    store = Store(db)
    villages = store.villages().set_index("village_id")
    store.close()
    assert list(villages["name_en"].sort_index()) == ["Xikou Village", "Chengguan Community", "Changle Village"]
    assert villages.loc["350781105202", ["kind", "area_group"]].tolist() == ["community", "urban"]
    assert villages.loc["350781105201", ["kind", "area_group", "population"]].tolist() == ["village", "rural", 0]
    assert villages.loc["350781105203", ["lon", "lat"]].tolist() == pytest.approx([118.05, 27.01], abs=1e-3)
    doc = json.loads(geodata.read_text(encoding="utf-8"))
    assert [f["properties"]["name_en"] for f in doc["features"]] == ["Xikou Village", "Chengguan Community",
                                                                     "Changle Village"]
    batch = [line for line in out.splitlines() if line.startswith("import #")][0].split()[1].strip("#")
    assert main(["undo", batch, "--db", str(db)]) == 0
    store = Store(db)
    assert store.villages().empty
    store.close()
    assert not geodata.exists()
