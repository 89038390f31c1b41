"""Pure helpers and the provider's metadata (no Sluice needed)."""

from __future__ import annotations

import importlib
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest

import airflow
from sluice_airflow.errors import Action, SluiceApiError
from sluice_airflow.hook import SluiceHook, connection_settings
from sluice_airflow.labels import idempotency_key, label_value, task_labels
from sluice_airflow.operator import SluiceJobOperator
from sluice_airflow.retry import backoff_seconds, parse_retry_after
from sluice_airflow.sse import SseParser

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"
LABEL_VALUE = re.compile(r"^[\x21-\x7e]{0,63}$")  # src/jobs/job-spec.ts, labelValue
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # src/api/idempotency.ts


def test_the_entry_point_gives_provider_info_airflow_accepts():
    entry = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"]["apache_airflow_provider"]["provider_info"]
    module, _, func = entry.partition(":")
    info = getattr(importlib.import_module(module), func)()
    schema = json.loads((Path(airflow.__file__).parent / "provider_info.schema.json").read_text())
    jsonschema.validate(info, schema)
    [conn] = info["connection-types"]
    assert conn["connection-type"] == "sluice" == SluiceHook.conn_type
    module, _, cls = conn["hook-class-name"].rpartition(".")
    assert getattr(importlib.import_module(module), cls) is SluiceHook


def test_labels_follow_sluices_rules_and_stay_stable():
    long_run = "scheduled__" + "x" * 80
    labels = task_labels(dag_id="my dag", task_id="t\u00e9", run_id=long_run, team="data eng")
    assert labels["dag"] == "my_dag" and labels["task"] == "t_" and labels["team"] == "data_eng"
    assert all(LABEL_VALUE.match(v) for v in labels.values())
    assert labels["run_id"] == label_value(long_run) != label_value(long_run + "y")
    assert label_value("manual__2026-01-01T00:00:00+00:00") == "manual__2026-01-01T00:00:00+00:00"


def test_idempotency_key_changes_with_the_try_and_nothing_else():
    base = dict(dag_id="d", task_id="t", run_id="r r", map_index=-1, try_number=1)
    key = idempotency_key(**base)
    assert IDEMPOTENCY_KEY.match(key) and key == idempotency_key(**base)
    for field, other in (("try_number", 2), ("map_index", 0), ("run_id", "r2"), ("task_id", "u"), ("dag_id", "e")):
        assert idempotency_key(**{**base, field: other}) != key, field


def test_retry_after_and_backoff():
    assert parse_retry_after("5") == 5
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert 9 <= parse_retry_after("Wed, 02 Dec 2026 10:00:10 GMT", now=1796205600.0) <= 10
    assert 0.05 <= backoff_seconds(1) <= 0.1 and backoff_seconds(10, rnd=1.0) == 2.0


def test_one_table_decides_what_each_error_means():
    err = lambda status, code: SluiceApiError(status, code, "m")  # noqa: E731
    assert err(409, "REGION_DISABLED").action is Action.FALLBACK
    assert err(409, "NOT_IN_ROLLOUT").action is Action.FALLBACK
    assert err(503, "STORE_UNAVAILABLE").action is Action.RETRY
    assert err(429, "TOO_MANY_STREAMS").action is Action.RETRY
    assert err(409, "IDEMPOTENCY_CONFLICT").action is Action.FAIL
    bad = SluiceApiError.from_response(400, {"error": {"code": "INVALID_JOB_SPEC", "message": "bad", "issues": [{"path": ["env", "IFS"], "message": "may not be set"}]}}, None, "POST", "/v1/jobs")
    assert bad.code == "INVALID_JOB_SPEC" and "env.IFS: may not be set" in str(bad)


def test_sse_parser_resumes_ids_and_skips_heartbeats():
    p = SseParser("1-0")
    out = p.feed(": heartbeat\r")
    out += p.feed("\nid: 2-0\nevent: job.state_changed\ndata: {\"a\"")
    out += p.feed(":1}\n\ndata: x\n\n")
    assert [(m.id, m.event, m.data) for m in out] == [("2-0", "job.state_changed", '{"a":1}'), ("2-0", "message", "x")]


def test_connection_forms():
    class Conn:
        conn_id, login, schema = "c", None, None

        def __init__(self, host, port=None, password="tok", extra=None):
            self.host, self.port, self.password, self.extra_dejson = host, port, password, extra or {}

    assert connection_settings(Conn("http://s:8080/"))[:2] == ("http://s:8080", "tok")
    assert connection_settings(Conn("s", 8080, extra={"scheme": "https"}))[0] == "https://s:8080"
    assert connection_settings(Conn(None, password=None, extra={"base_url": "http://x", "token": "t"}))[:2] == ("http://x", "t")
    try:
        connection_settings(Conn("http://s", password=None))
        raise AssertionError("no token must be an error")
    except ValueError as err:
        assert "no Sluice token" in str(err)


def test_the_example_dag_parses(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(Path(__file__).parents[1] / "example_dags"))
    assert not bag.import_errors, bag.import_errors
    dag = bag.dags["sluice_example"]
    assert [t.task_id for t in dag.tasks] == ["build_index", "pi"]
    assert dag.get_task("build_index").legacy is not None


def test_a_spark_task_builds_a_spark_spec_and_refuses_other_kinds_arguments():
    class Ti:
        dag_id, task_id, run_id = "etl", "load", "manual__1"

    op = SluiceJobOperator(task_id="load", region="r", kind="spark", application="/opt/etl.jar", main_class="com.acme.Etl",
                           conf={"spark.sql.shuffle.partitions": 8}, jars=["/opt/lib.jar"], executors={"count": 2})
    spec = op.build_spec({"ti": Ti()})
    assert {k: spec[k] for k in ("kind", "application", "mainClass", "conf", "jars", "executors")} == {
        "kind": "spark", "application": "/opt/etl.jar", "mainClass": "com.acme.Etl",
        "conf": {"spark.sql.shuffle.partitions": "8"}, "jars": ["/opt/lib.jar"], "executors": {"count": 2}}
    assert "script" not in spec and "jar" not in spec and "pyFiles" not in spec
    with pytest.raises(ValueError, match="kind='spark' needs application="):
        SluiceJobOperator(task_id="x", region="r", kind="spark", script="echo")
    with pytest.raises(ValueError, match="takes no script= or Spark arguments: conf"):
        SluiceJobOperator(task_id="y", region="r", kind="hadoop-jar", jar="/x.jar", conf={"spark.a": "1"})
