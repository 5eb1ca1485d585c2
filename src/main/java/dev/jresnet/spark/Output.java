package dev.jresnet.spark;

import dev.jresnet.Classification;
import dev.jresnet.ImageOutput;
import dev.jresnet.ImageOutputs;
import dev.jresnet.InvalidOptionException;
import dev.jresnet.Prediction;
import dev.jresnet.ResNetModel;
import dev.jresnet.image.ImageSource;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** What the transformer writes for each image, and the Spark type of its column. */
enum Output {
    /** The top-k classes, most probable first: array of struct (index int, label string, probability float). */
    PREDICTIONS(DataTypes.createArrayType(DataTypes.createStructType(List.of(
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("probability", DataTypes.FloatType, false))), false)),
    /** The pooled features (the classifier's input: 512 values for resnet18/34, 2048 for the others), an ML vector. */
    FEATURES(SQLDataTypes.VectorType()),
    /** The logits, an ML vector. */
    LOGITS(SQLDataTypes.VectorType());

    private final DataType type;

    Output(DataType type) {
        this.type = type;
    }

    /** "predictions", "features" or "logits" (any case). */
    static Output named(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("output '" + name + "' is not one of predictions, features or logits");
        }
    }

    /** The output's name: "predictions", "features", "logits"; the default name of its column. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    DataType type() {
        return type;
    }

    /** Runs the images through the model: logits (for predictions and logits) or features, in input order. */
    ImageOutputs run(ResNetModel model, Iterator<? extends ImageSource> images) {
        return this == FEATURES ? model.features(images) : model.logits(images);
    }

    /** The column's value for an image that was run (its output is ok). */
    Object value(ResNetModel model, ImageOutput output) {
        if (this != PREDICTIONS) {
            return Vectors.dense(widen(output.values()));
        }
        Classification c = model.classification(output);
        List<Row> top = new ArrayList<>(c.top().size());
        for (Prediction p : c.top()) {
            top.add(RowFactory.create(p.index(), p.label(), p.probability()));
        }
        return CollectionConverters.asScala(top); // Spark's rows hold arrays as Scala sequences
    }

    private static double[] widen(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
