"""Convolutional models of the model zoo, as plain PyTorch.

A ResNet-18-style stack of two BasicBlocks with BatchNorm (the second one downsamples, with a
1x1-convolution shortcut), in eval mode (``ResNetBlocks``), in train mode (``resnet_train``:
batch statistics) and as one SGD training step (``resnet_step``), and a MobileNet-style block
(``MobileNetBlock``: depthwise 3x3 convolution, BatchNorm, ReLU6, pointwise 1x1). Each
``NAME_example()`` function returns the example inputs of ``NAME``, so
``threepio check examples/zoo/cnn.py:NAME`` works.

Train mode: BatchNorm updates its running statistics in place, which a plan cannot express
(make_fx records ``native_batch_norm`` without the update). The train-mode functions give it
copies of the buffers and do not return them; the ATen tracer refuses a plan that reads
running statistics again after a training-mode batch norm.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 2
LR = 0.05


class BasicBlock(nn.Module):
    """ResNet's BasicBlock: conv3x3-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU."""

    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.shortcut(x))


class ResNetBlocks(nn.Module):
    """Two BasicBlocks (8 -> 8, then 8 -> 16 with stride 2), global average pool, linear head."""

    def __init__(self, classes=10):
        super().__init__()
        torch.manual_seed(0)
        self.block1 = BasicBlock(8, 8)
        self.block2 = BasicBlock(8, 16, stride=2)
        self.fc = nn.Linear(16, classes)
        _randomize_bn(self)
        self.eval()

    def forward(self, x):
        y = self.block2(self.block1(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(y, 1), 1))


class MobileNetBlock(nn.Module):
    """MobileNet's depthwise-separable block: depthwise 3x3 (groups=C) - BN - ReLU6 -
    pointwise 1x1 - BN - ReLU6, in eval mode."""

    def __init__(self, cin=8, cout=16, mult=1):
        super().__init__()
        torch.manual_seed(0)
        self.dw = nn.Conv2d(cin, cin * mult, 3, 1, 1, groups=cin, bias=False)
        self.bn1 = nn.BatchNorm2d(cin * mult)
        self.pw = nn.Conv2d(cin * mult, cout, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        _randomize_bn(self)
        self.eval()

    def forward(self, x):
        y = F.relu6(self.bn1(self.dw(x)))
        return F.relu6(self.bn2(self.pw(y)))


def _randomize_bn(model):
    """Non-trivial running statistics and affine parameters, so eval mode tests something."""
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.rand(n, generator=g) - 0.5)
                m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
                m.weight.copy_(torch.rand(n, generator=g) + 0.5)
                m.bias.copy_(torch.rand(n, generator=g) - 0.5)


def _images(seed=0, c=8, hw=16):
    return torch.rand(BATCH, c, hw, hw, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def ResNetBlocks_example(seed=0):
    return (_images(seed),)


def MobileNetBlock_example(seed=0):
    return (_images(seed),)


# -- train mode ------------------------------------------------------------------------------
_RESNET = ResNetBlocks().train()
_PARAM_NAMES = [n for n, _ in _RESNET.named_parameters()]
_BUFFER_NAMES = [n for n, _ in _RESNET.named_buffers()]


def _call_train(x, tensors):
    """The stack in train mode with ``tensors`` = parameters then buffers. The buffers are
    copied: BatchNorm updates its running statistics (and batch counter) in place, which a
    plan cannot express, so the copies absorb the update and are not returned."""
    params = tensors[:len(_PARAM_NAMES)]
    buffers = [b.detach().clone() for b in tensors[len(_PARAM_NAMES):]]
    state = {**dict(zip(_PARAM_NAMES, params)), **dict(zip(_BUFFER_NAMES, buffers))}
    return torch.func.functional_call(_RESNET, state, (x,)), params


def resnet_train(x, *tensors):
    """Inference in train mode: BatchNorm normalizes with the batch statistics."""
    return _call_train(x, tensors)[0]


def resnet_step(x, labels, *tensors):
    """One SGD step of the stack in train mode: forward (batch statistics), cross entropy,
    ``torch.autograd.grad`` backward, update. Returns the loss and the updated parameters."""
    logits, params = _call_train(x, tensors)
    loss = F.cross_entropy(logits, labels)
    grads = torch.autograd.grad(loss, params)
    return (loss, *[p - LR * g for p, g in zip(params, grads)])


def _state():
    return ([p.detach().clone() for p in _RESNET.parameters()]
            + [b.detach().clone() for b in _RESNET.buffers()])


def resnet_train_example(seed=0):
    return (_images(seed), *_state())


def resnet_step_example(seed=0):
    g = torch.Generator().manual_seed(seed + 1)
    labels = torch.randint(0, 10, (BATCH,), generator=g)
    return (_images(seed), labels, *_state())


# -- MobileNet block training step (depthwise convolution backward) ---------------------------
class _MobileNetClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = MobileNetBlock(8, 16, mult=2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.block(x), 1), 1))


_MOBILE = _MobileNetClassifier().train()
_MOBILE_PARAMS = [n for n, _ in _MOBILE.named_parameters()]
_MOBILE_BUFFERS = [n for n, _ in _MOBILE.named_buffers()]


def mobilenet_step(x, labels, *tensors):
    """One SGD step of the MobileNet block (channel multiplier 2) with a linear head, in train
    mode; returns the loss and the updated parameters (buffers as in ``resnet_step``)."""
    params = tensors[:len(_MOBILE_PARAMS)]
    buffers = [b.detach().clone() for b in tensors[len(_MOBILE_PARAMS):]]
    state = {**dict(zip(_MOBILE_PARAMS, params)), **dict(zip(_MOBILE_BUFFERS, buffers))}
    loss = F.cross_entropy(torch.func.functional_call(_MOBILE, state, (x,)), labels)
    grads = torch.autograd.grad(loss, params)
    return (loss, *[p - LR * g for p, g in zip(params, grads)])


def mobilenet_step_example(seed=0):
    g = torch.Generator().manual_seed(seed + 2)
    labels = torch.randint(0, 10, (BATCH,), generator=g)
    state = ([p.detach().clone() for p in _MOBILE.parameters()]
             + [b.detach().clone() for b in _MOBILE.buffers()])
    return (_images(seed), labels, *state)
