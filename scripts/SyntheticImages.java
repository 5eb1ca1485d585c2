import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Photo-sized synthetic images for the benchmarks, the same bytes for the same seed: JPEG (quality 0.9) of ImageNet's
 * typical size, gradients, shapes and sensor-like noise, so that decoding costs what a photo's does.
 *
 * <p>Usage: java scripts/SyntheticImages.java DIR COUNT [WIDTH HEIGHT] [SEED]   (default 500 x 375, seed 1)
 */
public class SyntheticImages {
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        int width = args.length > 3 ? Integer.parseInt(args[2]) : 500;
        int height = args.length > 3 ? Integer.parseInt(args[3]) : 375;
        Random random = new Random(args.length > 4 ? Long.parseLong(args[4]) : 1);
        ImageWriter jpeg = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam quality = jpeg.getDefaultWriteParam();
        quality.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        quality.setCompressionQuality(0.9f);
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(1 << 24)), width, height, new Color(random.nextInt(1 << 24))));
            g.fillRect(0, 0, width, height);
            for (int s = 0; s < 12; s++) {
                g.setColor(new Color(random.nextInt(1 << 24)));
                int x = random.nextInt(width);
                int y = random.nextInt(height);
                int w = 20 + random.nextInt(width / 2);
                int h = 20 + random.nextInt(height / 2);
                if (random.nextBoolean()) {
                    g.fillOval(x - w / 2, y - h / 2, w, h);
                } else {
                    g.fillRect(x - w / 2, y - h / 2, w, h);
                }
            }
            g.dispose();
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int rgb = image.getRGB(x, y);
                    int noise = random.nextInt(17) - 8;
                    int r = Math.max(0, Math.min(255, ((rgb >> 16) & 0xff) + noise));
                    int gr = Math.max(0, Math.min(255, ((rgb >> 8) & 0xff) + noise));
                    int b = Math.max(0, Math.min(255, (rgb & 0xff) + noise));
                    image.setRGB(x, y, (r << 16) | (gr << 8) | b);
                }
            }
            try (ImageOutputStream out = ImageIO.createImageOutputStream(dir.resolve(String.format("synthetic%05d.jpg", i)).toFile())) {
                jpeg.setOutput(out);
                jpeg.write(null, new IIOImage(image, null, null), quality);
            }
        }
        jpeg.dispose();
        System.err.println(count + " images of " + width + "x" + height + " in " + dir);
    }
}
