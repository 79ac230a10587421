"""agorascope — aggregate, privacy-preserving analysis of public discourse."""

from agorascope.errors import AgorascopeError
from agorascope.project import Project
from agorascope.schema import POST_SCHEMA, RAW_POST_SCHEMA, SCHEMA_VERSION

__version__ = "0.1.0"

__all__ = ["POST_SCHEMA", "RAW_POST_SCHEMA", "SCHEMA_VERSION", "AgorascopeError", "Project", "__version__"]
