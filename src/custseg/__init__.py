"""Operational customer segmentation in the warehouse: the package behind the dbt project.

Modules are named for their job: ``contract`` (the raw data contract declared in the dbt sources),
``generate`` (the synthetic multi-source data generator).
"""

__version__ = "0.1.0"
