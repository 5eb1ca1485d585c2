/** torch .pth files read without running any of their code: a restricted unpickler. Public: {@code PthReader}. */
package dev.jresnet.weights.pth;
