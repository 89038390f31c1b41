"""SluiceJobOperator: run a shell, hadoop-jar or Spark job on YARN through Sluice.

Submit (with an Idempotency-Key per task try and labels dag/task/run_id/team), then wait — deferred
to SluiceJobTrigger in the triggerer by default, or in the worker — and end as the job ended: its
stdout/stderr (and a Spark driver's) in the task log, its id and application ids in XCom, or an AirflowException carrying
Sluice's error code and message. ``legacy=`` is the rollout fallback (see fallback.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException

from .errors import Action, SluiceApiError
from .fallback import Legacy, check_legacy, describe_shadow, run_legacy
from .hook import SluiceHook
from .labels import idempotency_key, job_name, task_labels
from .trigger import SluiceJobTrigger
from .waiting import WaitStats, wait_for_job

KINDS = ("shell", "hadoop-jar", "spark")
# The task log is not the place for a huge output: the first bytes of each file, and say so.
MAX_LOG_CHARS = 256 * 1024


class SluiceJobOperator(BaseOperator):
    template_fields: Sequence[str] = ("script", "args", "env", "labels", "jar", "main_class", "yarn_queue", "application", "conf")
    ui_color = "#cfe8ff"

    def __init__(
        self,
        *,
        region: str,
        kind: str = "shell",
        script: str | None = None,
        jar: str | None = None,
        main_class: str | None = None,
        application: str | None = None,
        conf: dict[str, str] | None = None,
        py_files: list[str] | None = None,
        jars: list[str] | None = None,
        driver: dict[str, int] | None = None,
        executors: dict[str, int] | None = None,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        resources: dict[str, int] | None = None,
        queue: str | None = None,
        timeout: int | float | timedelta | None = None,
        requires: list[str] | None = None,
        labels: dict[str, str] | None = None,
        team: str | None = None,
        name: str | None = None,
        deferrable: bool = True,
        legacy: Legacy | None = None,
        poll_interval: float = 5.0,
        sluice_conn_id: str = SluiceHook.default_conn_name,
        executor_queue: str | None = None,
        **kwargs: Any,
    ):
        # `queue` is the YARN queue here, as in Sluice's spec; BaseOperator's own `queue` (which
        # executor queue runs the task, e.g. Celery's) is `executor_queue=`.
        if executor_queue is not None:
            kwargs["queue"] = executor_queue
        super().__init__(**kwargs)
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        spark_only = {"application": application, "conf": conf, "py_files": py_files, "jars": jars, "driver": driver, "executors": executors}
        given_spark = sorted(k for k, v in spark_only.items() if v)
        if kind == "shell" and (not script or jar or main_class or given_spark):
            raise ValueError("kind='shell' needs script= (and takes no jar=, main_class= or Spark arguments)")
        if kind == "hadoop-jar" and (not jar or script or given_spark):
            raise ValueError(f"kind='hadoop-jar' needs jar= (and takes no script= or Spark arguments{': ' + ', '.join(given_spark) if given_spark else ''})")
        if kind == "spark" and (not application or script or jar):
            raise ValueError("kind='spark' needs application= (a .py or .jar as the cluster nodes see it; no script= or jar=)")
        check_legacy(legacy)
        self.region = region
        self.kind = kind
        self.script = script
        self.jar = jar
        self.main_class = main_class
        self.application = application
        self.conf = dict(conf or {})
        self.py_files = list(py_files or [])
        self.jars = list(jars or [])
        self.driver = dict(driver or {})
        self.executors = dict(executors or {})
        self.args = list(args or [])
        self.env = dict(env or {})
        # Sluice's memoryMb/vcores; BaseOperator's own `resources` (Airflow's Resources) stays unset.
        self.job_resources = dict(resources or {})
        self.yarn_queue = queue
        self.timeout_seconds = _seconds(timeout)
        self.requires = list(requires or [])
        self.labels = dict(labels or {})
        self.team = team
        self.job_name = name
        self.deferrable = deferrable
        self.legacy = legacy
        self.poll_interval = poll_interval
        self.sluice_conn_id = sluice_conn_id
        self._job_id: str | None = None

    # --- the spec --------------------------------------------------------------------------

    def build_spec(self, context: Any) -> dict[str, Any]:
        ti = context["ti"]
        labels = {**self.labels, **task_labels(dag_id=ti.dag_id, task_id=ti.task_id, run_id=ti.run_id,
                                               team=self.team or self.owner)}
        spec: dict[str, Any] = {
            "region": self.region, "name": self.job_name or job_name(ti.dag_id, ti.task_id), "kind": self.kind,
            "args": [str(a) for a in self.args], "env": {k: str(v) for k, v in self.env.items()}, "labels": labels,
        }
        if self.kind == "shell":
            spec["script"] = self.script
        elif self.kind == "hadoop-jar":
            spec["jar"] = self.jar
        else:
            spec["application"] = self.application
            for key, value in (("conf", {k: str(v) for k, v in self.conf.items()}), ("pyFiles", self.py_files),
                               ("jars", self.jars), ("driver", self.driver), ("executors", self.executors)):
                if value:
                    spec[key] = value
        if self.main_class and self.kind != "shell":
            spec["mainClass"] = self.main_class
        for key, value in (("resources", self.job_resources or None), ("queue", self.yarn_queue),
                           ("timeoutSeconds", self.timeout_seconds), ("requires", self.requires or None)):
            if value is not None:
                spec[key] = value
        return spec

    def idempotency_key(self, context: Any) -> str:
        ti = context["ti"]
        return idempotency_key(dag_id=ti.dag_id, task_id=ti.task_id, run_id=ti.run_id,
                               map_index=getattr(ti, "map_index", -1), try_number=ti.try_number)

    # --- running ---------------------------------------------------------------------------

    def execute(self, context: Any) -> Any:
        hook = SluiceHook(self.sluice_conn_id)
        spec = self.build_spec(context)
        try:
            job = hook.submit(spec, self.idempotency_key(context))
        except SluiceApiError as err:
            if err.action is Action.FALLBACK:
                return self._fall_back(context, f"Sluice refused the job: {err.code}: {err.message}")
            raise AirflowException(f"Sluice refused the job for region {self.region}: {err}") from err
        self._job_id = job["id"]
        context["ti"].xcom_push(key="sluice_job_id", value=job["id"])
        self.log.info("Sluice job %s submitted to region %s (state %s, labels %s)", job["id"], self.region, job["state"], job["labels"])
        if job["state"] == "SHADOWED":
            self.log.info("%s", describe_shadow(job))
            return self._fall_back(context, f"region {self.region} is in shadow mode (job {job['id']} was recorded, not run)")
        if self.deferrable:
            self.defer(trigger=SluiceJobTrigger(job["id"], self.sluice_conn_id, self.poll_interval), method_name="execute_complete")
        stats = WaitStats()
        job = wait_for_job(hook.get_conn(), job["id"], poll_interval=self.poll_interval, logger=self.log, stats=stats)
        context["ti"].xcom_push(key="sluice_waited_by", value={"by": "worker", **vars(stats)})
        return self._finish(context, hook, job)

    def execute_complete(self, context: Any, event: dict[str, Any]) -> Any:
        """Resumed after the trigger fired. The trigger's event says the job ended; the job itself,
        read again here, says how."""
        self.log.info("Resumed after SluiceJobTrigger: %s", event)
        self._job_id = event.get("job_id")
        if event.get("status") != "done":
            raise AirflowException(f"waiting for Sluice job {event.get('job_id')} failed: {event.get('message')}")
        context["ti"].xcom_push(key="sluice_waited_by", value={"by": "trigger", **(event.get("stats") or {})})
        hook = SluiceHook(self.sluice_conn_id)
        return self._finish(context, hook, hook.get_job(event["job_id"]))

    def _finish(self, context: Any, hook: SluiceHook, job: dict[str, Any]) -> dict[str, Any]:
        self._write_logs(hook, job)
        state = job["state"]
        app = job.get("application") or {}
        # What the job's application started (a Spark application, a MapReduce run), with its UI.
        children = [{"id": c["id"], "type": c.get("type"), "tracking_url": c.get("trackingUrl")} for c in job.get("childApplications") or []]
        if state == "SUCCEEDED":
            context["ti"].xcom_push(key="application_id", value=app.get("id"))
            self.log.info("Sluice job %s SUCCEEDED (application %s)", job["id"], app.get("id"))
            # The return value is the XCom return_value: what downstream tasks most often want.
            return {"job_id": job["id"], "application_id": app.get("id"), "child_applications": children, "state": state}
        error = job.get("error") or {}
        raise AirflowException(f"Sluice job {job['id']} ended {state}: {error.get('code', 'NO_ERROR_CODE')}: "
                               f"{error.get('message', '(no message)')}" + (f" (killed: {job['killReason']})" if job.get("killReason") else ""))

    def _write_logs(self, hook: SluiceHook, job: dict[str, Any]) -> None:
        """The job's output into the task log, then each child application's stdout (a Spark
        driver's); not having one (expired, NodeManager gone) is a warning."""
        job_id = job["id"]
        outputs = [(None, "stdout"), (None, "stderr")] + [(c["id"], "stdout") for c in job.get("childApplications") or []]
        for application, file in outputs:
            what = f"{file} of child application {application}" if application else file
            try:
                text = hook.logs(job_id, file, application)
            except Exception as err:
                self.log.warning("Sluice job %s: no %s (%s)", job_id, what, err)
                continue
            cut = f"\n[... cut at {MAX_LOG_CHARS} characters of {len(text)}]" if len(text) > MAX_LOG_CHARS else ""
            self.log.info("----- Sluice job %s %s -----\n%s%s\n----- end of %s -----", job_id, what, text[:MAX_LOG_CHARS], cut, what)

    def _fall_back(self, context: Any, reason: str) -> Any:
        if self.legacy is None:
            raise AirflowException(f"{reason}; this task has no legacy= fallback to run instead")
        self.log.warning("Running the legacy path instead of Sluice: %s", reason)
        context["ti"].xcom_push(key="sluice_route", value={"route": "legacy", "reason": reason})
        return run_legacy(self.legacy, context)

    def on_kill(self) -> None:
        """The task was killed while waiting in the worker (or while submitting): cancel the job.
        A deferred task has no worker process: SluiceJobTrigger.on_kill cancels it there."""
        if not self._job_id:
            return
        try:
            job = SluiceHook(self.sluice_conn_id).new_client().cancel(self._job_id, "the Airflow task was killed (on_kill)")
            self.log.info("Cancelled Sluice job %s: now %s", self._job_id, job.get("state"))
        except Exception as err:
            self.log.error("Could not cancel Sluice job %s: %s", self._job_id, err)


def _seconds(timeout: int | float | timedelta | None) -> int | None:
    if timeout is None:
        return None
    seconds = timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)
    if seconds < 1:
        raise ValueError(f"timeout must be at least 1 second, not {timeout!r}")
    return int(seconds)
