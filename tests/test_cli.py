import duckdb

from cockpit.cli import main
from tests.tiny_township import write_tiny_township


def test_init_db_builds_then_is_idempotent(tmp_path, capsys):
    src = write_tiny_township(tmp_path / "src")
    db = tmp_path / "out" / "c.duckdb"
    assert main(["init-db", "--from", str(src), "--db", str(db)]) == 0
    assert "built" in capsys.readouterr().out
    assert main(["init-db", "--from", str(src), "--db", str(db)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM villages").fetchone()[0] == 2


def test_init_db_reports_bad_input_without_traceback(tmp_path, capsys):
    assert main(["init-db", "--from", str(tmp_path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "missing meta.csv" in capsys.readouterr().err


def test_generate_then_build(tmp_path, capsys):
    out = tmp_path / "data"
    assert main(["generate", "--villages", "5", "--months", "3", "--cases-per-year", "400",
                 "--end", "2026-10", "--out", str(out), "--geo-out", str(tmp_path / "geo")]) == 0
    assert (tmp_path / "geo" / "villages.geojson").is_file()
    assert main(["init-db", "--from", str(out), "--db", str(tmp_path / "g.duckdb")]) == 0
    con = duckdb.connect(str(tmp_path / "g.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM villages").fetchone()[0] == 6
    assert con.execute("SELECT count(DISTINCT period) FROM coverage").fetchone()[0] == 3


def test_settings_prints_the_table(capsys):
    assert main(["settings"]) == 0
    assert "COCKPIT_DB" in capsys.readouterr().out
