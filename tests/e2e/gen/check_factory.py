"""Run a generated Python ManagerFactory against the example framework.

usage: check_factory.py FACTORY_MODULE CONTEXT.json [--break-cycles]

CONTEXT.json is `unravel gen factory --dump-context` for the same project:
each manager's creation-time needs. The check instruments every manager
class, creates everything through the factory, and asserts that whenever the
factory constructs a manager, everything it needs already exists and is the
object it receives.
"""
import importlib
import json
import sys
import types


def main() -> None:
    factory_mod, ctx_path = sys.argv[1], sys.argv[2]
    break_cycles = "--break-cycles" in sys.argv
    ctx = json.load(open(ctx_path))
    gen = importlib.import_module(factory_mod)
    managers = {m["name"]: m for m in ctx["managers"]}

    host = types.SimpleNamespace(capital=100_000.0)
    factory = gen.ManagerFactory(host)
    assert factory.creation_order == ctx["creation_order"], "creation_order differs from the context"
    assert len(set(factory.creation_order)) == len(factory.creation_order)

    # Instrument the classes: when the factory creates X, X's needs exist already.
    created = []
    classes = {}
    for name, m in managers.items():
        cls = getattr(importlib.import_module(m["import_module"]), m["class"])
        classes.setdefault(cls, []).append(name)

    def wrap(cls, original):
        def __init__(self, *args, **kwargs):
            creating = getattr(factory, "_creating", None)
            if creating in classes.get(cls, []):
                for need in managers[creating]["needs"]:
                    assert need["name"] in factory._managers, \
                        "%s created before %s, which it needs (%s)" % (creating, need["name"], need["evidence"])
                created.append(creating)
                factory._creating = None
            original(self, *args, **kwargs)
        return __init__

    for cls in classes:
        cls.__init__ = wrap(cls, cls.__init__)
    original_create = factory._create

    def tracing_create(name):
        if name not in factory._managers:
            factory._creating = name
        original_create(name)
    factory._create = tracing_create

    result = factory.create_all()
    assert list(result) == factory.creation_order, (list(result), factory.creation_order)
    assert created == factory.creation_order, "constructors ran as %s" % created
    for name, m in managers.items():
        inst = factory.get_manager(name)
        assert inst is result[name]
        if m["bind"]:
            assert getattr(host, m["attr"]) is inst, "%s not bound on the host" % name
        for arg in m["args"]:
            if arg["pass"] == "manager":
                got = getattr(inst, arg["param"], None)
                if got is not None:  # the class stores it under the parameter's name
                    assert got is result[arg["manager"]], (name, arg["param"])
    print("created %d managers in dependency order" % len(created))

    if break_cycles:
        check_events(factory, host, ctx)

    # Shut down in reverse order.
    closed = []
    for name in factory.creation_order:
        inst = result[name]
        inst.close = (lambda n: lambda: closed.append(n))(name)
    factory.shutdown()
    assert closed == list(reversed(factory.creation_order)), closed
    print("shut down %d managers in reverse order" % len(closed))
    check_failure(gen)


def check_failure(gen) -> None:
    """A constructor that raises: the error names the manager and what it blocks."""
    factory = gen.ManagerFactory(types.SimpleNamespace(capital=1.0))
    name = next(n for n in factory.creation_order if factory.BLOCKS[n])

    def boom(*args, **kwargs):
        raise ValueError("no connection")
    setattr(factory, factory._CREATORS[name], boom)
    error = None
    try:
        factory.create_all()
    except gen.ManagerCreationError as exc:
        error = exc
    assert error is not None, "creation failure not raised"
    assert error.name == name and error.blocked == factory.BLOCKS[name], (error.name, error.blocked)
    assert name in str(error) and error.blocked[0] in str(error) and "no connection" in str(error), str(error)
    assert isinstance(error.__cause__, ValueError)
    print("failure of %s reported with %d blocked managers" % (name, len(error.blocked)))


def check_events(factory, host, ctx) -> None:
    """Both managers of the example's constructor cycle talk to each other."""
    assert ctx["routed"], "no routed edge with --break-cycles"
    reb = factory.get_manager("rebalance_engine")
    hed = factory.get_manager("hedge_executor")
    bus = factory.event_bus
    # RebalanceEngine -> HedgeExecutor and HedgeExecutor -> RebalanceEngine: one of them is a
    # publisher standing in for the other, the other is the real object.
    if type(hed.rebalance_engine).__name__.endswith("Publisher"):
        assert reb.hedge_executor is hed
        # rebalance engine -> hedge executor, directly
        assert reb.rebalance(10.0) == -10.0 and hed.hedges == [-10.0]
        # hedge executor -> rebalance engine, through the bus, and the result comes back
        host.greeks_monitor.record("QQQ", delta=80.0, gamma=0.0, vega=0.0)
        before = bus.published
        assert hed.on_greeks() == -80.0
        assert bus.published == before + 1 and reb.rebalances == 2
    else:
        assert type(reb.hedge_executor).__name__.endswith("Publisher")
        assert hed.rebalance_engine is reb
        before = bus.published
        assert reb.rebalance(10.0) == -10.0 and hed.hedges == [-10.0]
        assert bus.published == before + 1
        host.greeks_monitor.record("QQQ", delta=80.0, gamma=0.0, vega=0.0)
        assert hed.on_greeks() == -80.0
    print("events flow both ways (%d published)" % bus.published)


if __name__ == "__main__":
    main()
