"""Writes prelu.pt, read by tests/compat.rs: a PyTorch state dict of a module with one
`nn.PReLU(3)` named `act`, its slopes set to values exact in f32.

    python3 -m venv .venv && .venv/bin/pip install torch==2.15.0
    .venv/bin/python burn-rectifiers/tests/data/make_prelu_pt.py

(run from the repository root). The test checks the loaded slopes and the forward against the
values printed here (PyTorch's own `net(x)`).
"""

from pathlib import Path

import torch


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.act = torch.nn.PReLU(3)

    def forward(self, x):
        return self.act(x)


net = Net()
with torch.no_grad():
    net.act.weight.copy_(torch.tensor([0.125, -0.5, 2.0]))
out = Path(__file__).with_name("prelu.pt")
torch.save(net.state_dict(), out)

x = torch.tensor([[[-2.0, 3.0], [-1.0, -4.0], [0.5, -0.25]]])  # [N=1, C=3, L=2]
print("state dict:", {k: v.tolist() for k, v in net.state_dict().items()})
print("net(x):", net(x).tolist())
print("wrote", out)
