"""Checks of the model graph that need no data: run with `python3 -m unittest training/test_model.py`
(the smoke training run does)."""
import sys
import unittest
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import Aligner, Pocket, PocketConfig  # noqa: E402

CFG = PocketConfig(vocab_size=300, d_model=64, n_layers=4, n_heads=4, n_kv_heads=2, ffn_dim=96, max_seq_len=64)


class AlignerTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.model = Pocket(CFG).eval()
        self.ids = torch.randint(0, CFG.vocab_size, (2, 12))

    def test_zero_gates_give_the_base_model(self):
        aligner = Aligner(CFG)
        with torch.no_grad():
            base, _ = self.model(self.ids)
            aligned, _ = self.model(self.ids, aligner=aligner)
        self.assertLess((base - aligned).abs().max().item(), 1e-6)

    def test_trainable_parameters_are_n_times_d_plus_gates(self):
        for n in (1, 10):
            aligner = Aligner(CFG, n_tokens=n)
            self.assertEqual(sum(p.numel() for p in aligner.parameters()), n * CFG.d_model + (CFG.n_layers - 2) * CFG.n_heads)

    def test_open_gates_change_the_output_and_gradients_reach_only_the_aligner(self):
        aligner = Aligner(CFG)
        with torch.no_grad():
            aligner.gates.fill_(0.5)
        for p in self.model.parameters():
            p.requires_grad_(False)
        loss = self.model.loss(self.ids, self.ids, aligner=aligner)
        loss.backward()
        self.assertGreater(aligner.embedding.grad.abs().sum().item(), 0)
        self.assertGreater(aligner.gates.grad.abs().sum().item(), 0)
        with torch.no_grad():
            base, _ = self.model(self.ids)
            aligned, _ = self.model(self.ids, aligner=aligner)
        self.assertGreater((base - aligned).abs().max().item(), 1e-4)

    def test_the_aligner_works_with_the_kv_cache(self):
        aligner = Aligner(CFG)
        with torch.no_grad():
            aligner.gates.normal_()
            full, _ = self.model(self.ids, aligner=aligner)
            head, past = self.model(self.ids[:, :7], aligner=aligner)
            tail, _ = self.model(self.ids[:, 7:], past, aligner=aligner)
        self.assertLess((torch.cat([head, tail], 1) - full).abs().max().item(), 1e-5)


class RevisionOverlapTest(unittest.TestCase):
    def test_word_f1(self):
        from train_aligner import word_f1

        self.assertEqual(word_f1("I can't help with that.", "I can't help with that"), 1.0)
        self.assertEqual(word_f1("in is in to in is", "I won't help with that."), 0.0)
        self.assertAlmostEqual(word_f1("I can help", "I can't help"), 2 / 3)
        self.assertEqual(word_f1("", "anything"), 0.0)


class CalibrationTest(unittest.TestCase):
    def test_the_midpoint_reads_one_half_and_order_is_kept(self):
        from train_aligner import calibrated

        self.assertAlmostEqual(calibrated(0.12, 0.12), 0.5, places=9)
        self.assertAlmostEqual(calibrated(0.3, 0.5), 0.3, places=9)  # midpoint 0.5 changes nothing
        self.assertLess(calibrated(0.05, 0.12), calibrated(0.1, 0.12))
        self.assertGreater(calibrated(0.2, 0.12), 0.5)


if __name__ == "__main__":
    unittest.main()
