/**
 * Images to network inputs as PIL and torchvision make them: decoding with EXIF orientation, resizing as PIL does,
 * cropping and normalizing, and class names. Public API.
 */
package dev.jresnet.image;
