# Prints the torch.optim reference values pasted into OptimizerTest and GradientClippingTest.
# Run: /usr/bin/python3 latent4j-tensor/src/test/resources/org/latent4j/tensor/optim/torch_reference.py (torch 1.13, CPU, float32)
import torch
torch.set_printoptions(precision=10)
grads = [[0.1, -0.2, 0.0], [-0.3, 0.4, 1e-3], [0.05, 0.6, -2.0]]
start = [0.5, -1.5, 2.0]
def run(make):
    p = torch.tensor(start, dtype=torch.float32, requires_grad=True)
    opt = make([p])
    out = []
    for g in grads:
        p.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
        out.append(p.detach().clone())
    return out
def show(name, rows):
    print(name)
    for r in rows:
        print("    {" + ", ".join("%.9ef" % v for v in r.tolist()) + "},")
show("adam lr=0.01 betas=(0.9,0.999) eps=1e-8 wd=0.1", run(lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)))
show("adamw lr=0.01 betas=(0.9,0.999) eps=1e-8 wd=0.1", run(lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)))
show("adam lr=0.05 betas=(0.8,0.99) eps=1e-3 wd=0", run(lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-3)))
show("sgd lr=0.1 momentum=0.9 dampening=0.1 wd=0.01", run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)))
show("sgd lr=0.1 momentum=0.9 nesterov wd=0.01", run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)))
show("sgd lr=0.1 plain", run(lambda ps: torch.optim.SGD(ps, lr=0.1)))
pa = torch.nn.Parameter(torch.zeros(2)); pb = torch.nn.Parameter(torch.zeros(2, 2))
pa.grad = torch.tensor([3.0, -4.0]); pb.grad = torch.tensor([[1.0, 2.0], [-2.0, 0.5]])
n = torch.nn.utils.clip_grad_norm_([pa, pb], max_norm=2.0)
print("clip max_norm=2: norm %.9e" % n.item(), pa.grad.tolist(), pb.grad.flatten().tolist())
