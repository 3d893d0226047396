import unittest

from shop.engine import Engine


class EngineTest(unittest.TestCase):
    def test_remember(self) -> None:
        e = Engine()
        e.remember("SPY", 0.3)
        self.assertEqual(e.last(), ("SPY", 0.3))

    def test_state_capacity(self) -> None:
        e = Engine()
        for s in ("A", "B", "C"):
            e.remember(s, 0.1)
        self.assertEqual(e.state.get("last"), "C")
        self.assertEqual(e.state.config[e.state.default_type]["max_size"], 2)
