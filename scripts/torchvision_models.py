"""Builds the torchvision model that matches a jresnet architecture name and options."""
import torch
import torchvision


def build(arch, num_classes=1000, in_channels=3, replace_stride_with_dilation=None):
    kwargs = {"num_classes": num_classes}
    if replace_stride_with_dilation is not None:
        kwargs["replace_stride_with_dilation"] = replace_stride_with_dilation
    model = getattr(torchvision.models, arch)(weights=None, **kwargs)
    if in_channels != 3:
        # torchvision fixes the stem at 3 channels; jresnet's in_channels changes only this convolution.
        model.conv1 = torch.nn.Conv2d(in_channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
    return model.eval()
