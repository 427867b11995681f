"""outlive: finds credentials that outlive their task, before they merge."""

__version__ = "0.1.0"
