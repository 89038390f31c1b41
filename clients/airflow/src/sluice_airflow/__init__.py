"""Airflow provider for Sluice (clients/airflow in the Sluice repository)."""

from .provider_info import get_provider_info

__all__ = ["get_provider_info"]
