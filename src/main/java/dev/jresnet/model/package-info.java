/**
 * Architectures as data: torchvision's ResNet family ({@link dev.jresnet.model.ResNetConfig}), model description
 * files ({@link dev.jresnet.model.ModelDescription}), and the graph both become. Public API.
 */
package dev.jresnet.model;
