/**
 * jresnet on Apache Spark: batch inference over image sets that outgrow one machine. Public API:
 * {@link dev.jresnet.spark.ResNetTransformer} (a Spark ML transformer: an image column in; top-k classes, features or
 * logits, a status and an error column out) and {@link dev.jresnet.spark.ClassifyJob} (a runnable job: a folder of
 * images to Parquet and CSV). The rest is how the executors run it: one network per executor JVM, model and GPU, the
 * GPU being the one Spark assigned the task. Spark is a provided dependency: it comes with the cluster, not with
 * jresnet.
 */
package dev.jresnet.spark;
