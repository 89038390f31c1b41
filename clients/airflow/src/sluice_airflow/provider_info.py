"""What Airflow's ProvidersManager reads from the `apache_airflow_provider` entry point."""

from __future__ import annotations


def get_provider_info() -> dict:
    return {
        "package-name": "apache-airflow-providers-sluice",
        "name": "Sluice",
        "description": "Submit shell, hadoop-jar and Spark jobs to YARN through a Sluice gateway.",
        "versions": ["0.1.0"],
        "connection-types": [
            {"connection-type": "sluice", "hook-class-name": "sluice_airflow.hook.SluiceHook"},
        ],
        "hooks": [{"integration-name": "Sluice", "python-modules": ["sluice_airflow.hook"]}],
        "operators": [{"integration-name": "Sluice", "python-modules": ["sluice_airflow.operator"]}],
        "triggers": [{"integration-name": "Sluice", "python-modules": ["sluice_airflow.trigger"]}],
        "integrations": [{"integration-name": "Sluice", "tags": ["service"]}],
    }
