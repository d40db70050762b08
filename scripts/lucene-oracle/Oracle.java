import java.io.*;
import java.lang.reflect.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

public class Oracle {
    static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) sb.append(String.format("%02x", b & 0xff));
        return sb.toString();
    }
    static String unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return new String(b, StandardCharsets.UTF_8);
    }
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        Class<?> dea = Class.forName("io.anserini.analysis.DefaultEnglishAnalyzer");
        Object analyzer = dea.getMethod("newStemmingInstance", String.class).invoke(null, "porter");
        Class<?> utils = Class.forName("io.anserini.analysis.AnalyzerUtils");
        Method analyze = utils.getMethod("analyze", Class.forName("org.apache.lucene.analysis.Analyzer"), String.class);
        Class<?> stCls = Class.forName("org.apache.lucene.analysis.standard.StandardTokenizer");
        Class<?> termAttCls = Class.forName("org.apache.lucene.analysis.tokenattributes.CharTermAttribute");
        Class<?> typeAttCls = Class.forName("org.apache.lucene.analysis.tokenattributes.TypeAttribute");
        String line;
        while ((line = in.readLine()) != null) {
            String text = unhex(line.trim());
            StringBuilder sb = new StringBuilder();
            if (mode.equals("analyze")) {
                @SuppressWarnings("unchecked")
                List<String> toks = (List<String>) analyze.invoke(null, analyzer, text);
                for (String t : toks) { if (sb.length() > 0) sb.append(' '); sb.append(hex(t)); }
            } else {
                Object st = stCls.getConstructor().newInstance();
                stCls.getMethod("setReader", Reader.class).invoke(st, new StringReader(text));
                Object term = stCls.getMethod("addAttribute", Class.class).invoke(st, termAttCls);
                Object type = stCls.getMethod("addAttribute", Class.class).invoke(st, typeAttCls);
                Method inc = stCls.getMethod("incrementToken");
                Method typeM = typeAttCls.getMethod("type");
                stCls.getMethod("reset").invoke(st);
                while ((Boolean) inc.invoke(st)) {
                    if (sb.length() > 0) sb.append(' ');
                    sb.append(hex(term.toString())).append('/').append(((String) typeM.invoke(type)).replace("<", "").replace(">", ""));
                }
                stCls.getMethod("end").invoke(st);
                stCls.getMethod("close").invoke(st);
            }
            out.println(sb);
        }
        out.flush();
    }
}
