package dev.jresnet.spark;

import dev.jresnet.image.ImageSource;
import dev.jresnet.image.UnreadableImageException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The column a row's image is in, and what kind it is: encoded bytes (the {@code content} of
 * {@code spark.read.format("binaryFile")}, or any binary column of JPEG, PNG, BMP or GIF files), or the struct of
 * Spark's image data source ({@link ImageStruct}). A null or empty value becomes an image that cannot be read, so
 * its row is marked rather than the job failed.
 *
 * @param name    the column's name
 * @param index   its position in the rows
 * @param decoded true for the image data source's struct, false for encoded bytes
 */
record ImageColumn(String name, int index, boolean decoded) implements Serializable {
    /**
     * @throws IllegalArgumentException when the schema has no such column, or one of another type
     */
    static ImageColumn of(StructType schema, String name) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("no image column '" + name + "' among " + Arrays.toString(schema.fieldNames())
                    + " (set it with setInputCol)");
        }
        DataType type = schema.apply(name).dataType();
        if (!type.equals(DataTypes.BinaryType) && !ImageStruct.isImageColumn(type)) {
            throw new IllegalArgumentException("the image column '" + name + "' is " + type.simpleString() + "; jresnet reads "
                    + "encoded images (binary, as binaryFile's content) or the image data source's struct");
        }
        return new ImageColumn(name, schema.fieldIndex(name), !type.equals(DataTypes.BinaryType));
    }

    /** The image in {@code row}; {@code rowName} names it where the column does not (encoded bytes). */
    ImageSource imageOf(Row row, String rowName) {
        if (row.isNullAt(index)) {
            return unreadable(rowName, "no image: " + name + " is null");
        }
        if (decoded) {
            return new ImageStruct(row.getStruct(index));
        }
        byte[] bytes = (byte[]) row.get(index);
        return bytes.length == 0 ? unreadable(rowName, "no image: " + name + " is empty (0 bytes)") : ImageSource.encoded(bytes, rowName);
    }

    private static ImageSource unreadable(String rowName, String reason) {
        return ImageSource.of(rowName, decoder -> {
            throw new UnreadableImageException(rowName, reason);
        });
    }
}
