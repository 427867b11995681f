"""The readers a credential is loaded with: files, platform credential objects, configuration
objects, and helpers imported from this project (rules.md 2.2 B).

A floor under ``sources``: each answers one question about a read, from the tables in
``settings`` and the name rule in ``crossmodule``.
"""

from __future__ import annotations

import libcst as cst

import scanner.documents.python.settings as tables
from scanner.documents.python.arguments import Arguments
from scanner.documents.python.credential import CredentialClass, CredentialSource
from scanner.documents.python.crossmodule import same_project, stored_helper
from scanner.documents.python.syntax import dotted_name
from scanner.documents.python.walk import walk_nodes

_UNKNOWN = CredentialSource(CredentialClass.UNKNOWN)
_PATHS = frozenset({"pathlib.Path", "pathlib.PurePath", "io.open", "codecs.open"})
#: Methods of a path that give a path (``Path(p).expanduser()``, ``Path.home() / "x"``).
_PATH_METHODS = frozenset({"expanduser", "resolve", "absolute", "joinpath", "with_name"})
#: Class decorators whose class attributes are constructor parameters with defaults.
_RECORD_DECORATORS = frozenset({"dataclass", "define", "frozen", "mutable", "s", "attrs"})
_FLASK_APPS = frozenset({"flask.Flask", "flask.current_app", "quart.Quart", "quart.current_app"})


class Readers(Arguments):
    """Questions about how a value is read, shared by the credential-source analysis."""

    def _federated_receiver(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """``ManagedIdentityCredential().get_token(...)``, ``cred.get_token`` for such a
        ``cred``: a method of a platform credential object."""
        for _ in range(6):
            if isinstance(expr, cst.Name):
                value = self.doc.resolve(expr, at)
                if value is expr:
                    return False
                expr = value
            if isinstance(expr, cst.Call):
                names = self.doc.qualified_names(expr.func)
                if any(n.startswith(tables.FEDERATED_CALL_PREFIXES) for n in names):
                    return True
                expr = expr.func
            if isinstance(expr, cst.Attribute):
                expr = expr.value
            elif not isinstance(expr, cst.Name | cst.Call):
                return False
        return False

    def _is_file(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """An open file or a path: ``open(p)``, ``Path(p)``, ``with open(p) as fh``."""
        if isinstance(expr, cst.Call):
            names = self.doc.qualified_names(expr.func)
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "open":
                return self._is_file(expr.func.value, at)  # Path(p).open()
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _PATH_METHODS:
                return self._is_file(expr.func.value, at)  # Path(p).expanduser()
            return (
                dotted_name(expr.func) == "open"
                or bool(names & _PATHS)
                or any(n.startswith(("pathlib.Path.", "os.path.")) for n in names)
            )
        if isinstance(expr, cst.Name):
            for scope in self._scope_chain(at):
                items = self.ix.with_items.get((scope, expr.value))
                if items:
                    return all(self._is_file(i.item, i) for i in items)
            value = self.doc.resolve(expr, at)
            return value is not expr and self._is_file(value, value)
        if isinstance(expr, cst.BinaryOperation):  # Path(...) / "token.json"
            return self._is_file(expr.left, at)
        return False

    def _file_source(self, expr: cst.Call, at: cst.CSTNode) -> CredentialSource:
        texts = self.strings(expr, at)
        for attribute in walk_nodes(expr, cst.Attribute):  # open(self.TOKEN_FILE)
            value = self.value_of(attribute, at)
            if value is not attribute:
                texts.extend(self.strings(value, value))
        if any(federated_text(t) for t in texts):
            return CredentialSource(CredentialClass.FEDERATED, expr, "a platform token file")
        path = next((t for t in texts if "/" in t or "." in t), None)
        where = f"the file `{path}`" if path else "a file"
        return CredentialSource(CredentialClass.STATIC_CONFIG, expr, where)

    def field_arguments(self, cls: cst.ClassDef, attr: str) -> list[cst.BaseExpression] | None:
        """What the module's ``Cls(...)`` calls pass for a field of a dataclass, attrs class
        or pydantic model (its class attribute is only the default); None when a call may
        pass it unseen (positionally, or through ``*``/``**``). Plain classes give []."""
        record = any(
            (
                dotted_name(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator)
                or ""
            ).rsplit(".", 1)[-1]
            in _RECORD_DECORATORS
            for d in cls.decorators
        ) or any((dotted_name(b.value) or "").endswith("BaseModel") for b in cls.bases)
        if not record:
            return []
        built: dict[cst.ClassDef, list[cst.Call]] | None = self.__dict__.get("_built")
        if built is None:
            built = {}
            for call in self.ix.calls:
                if isinstance(call.func, cst.Name):
                    found = self.class_named(call.func, call)
                    if found is not None:
                        built.setdefault(found, []).append(call)
            self.__dict__["_built"] = built
        out: list[cst.BaseExpression] = []
        for call in built.get(cls, []):
            for arg in call.args:
                if arg.star or arg.keyword is None:
                    return None
                if arg.keyword.value == attr:
                    out.append(arg.value)
        return out

    def _flask_app(self, expr: cst.BaseExpression, at: cst.CSTNode) -> bool:
        """A Flask or Quart application (``app = Flask(__name__)``, ``current_app``)."""
        if self.doc.qualified_names(expr) & _FLASK_APPS:
            return True
        value = self.doc.resolve(expr, at)
        return isinstance(value, cst.Call) and bool(
            self.doc.qualified_names(value.func) & _FLASK_APPS
        )

    def _config_object(self, name: cst.Name, at: cst.CSTNode) -> bool:
        """``env`` for ``env = environ.Env()``, ``parser`` for ``ConfigParser()``..."""
        if self.doc.qualified_names(name) & tables.CONFIG_SINGLETONS:
            return True
        value = self.doc.resolve(name, at)
        return isinstance(value, cst.Call) and bool(
            self.doc.qualified_names(value.func) & tables.CONFIG_OBJECTS
        )

    def _imported_helper(
        self, name: str, call: cst.Call, within: cst.CSTNode | None, method: str | None = None
    ) -> CredentialSource:
        """A helper imported from this project (``from .auth import load_refresh_token``, or
        ``auth.load_refresh_token()`` for ``from . import auth``), judged by its name, and only
        when it is called once, outside the loop (``crossmodule``)."""
        found = self.ix.from_imports.get(name)
        if found is None:
            return _UNKNOWN
        module, alias = found
        helper = method or dotted_name(alias.name) or name
        if method is not None:
            module = f"{module}.{dotted_name(alias.name) or name}"
        if not same_project(module, self.doc.path) or not stored_helper(helper):
            return _UNKNOWN
        if within is not None and self.inside(call, within):
            return _UNKNOWN
        return CredentialSource(
            CredentialClass.STATIC_CONFIG,
            call,
            f"`{helper}()` from `{module}`, which by its name returns a stored credential",
        )


def env_source(node: cst.CSTNode, key: str | None) -> CredentialSource:
    if key is not None and federated_text(key):
        return CredentialSource(CredentialClass.FEDERATED, node, f"the platform variable `{key}`")
    what = f"the environment variable `{key}`" if key else "an environment variable"
    return CredentialSource(CredentialClass.STATIC_CONFIG, node, what)


def federated_text(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in tables.FEDERATED_MARKERS)
