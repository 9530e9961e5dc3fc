package charts

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image"
	"io"
	"runtime"
	"sync"
)

// writePNG encodes an opaque image as an 8-bit RGB PNG, every row with the
// "Up" filter, compressed at best speed in bands on all cores.
//
// image/png with png.BestSpeed took 38 ms of a 57 ms 1600×900 trend
// figure, two thirds of it in choosing a filter per row by trial. A fixed
// filter costs little on charts, whose rows mostly repeat the row above,
// and deflating horizontal bands in parallel (one zlib stream of
// independently compressed, flushed parts) halves the rest on two cores.
func writePNG(w io.Writer, img *image.RGBA) error {
	width, height := img.Rect.Dx(), img.Rect.Dy()
	bands := make([]band, max(1, min(runtime.GOMAXPROCS(0), maxBands, height)))
	var wg sync.WaitGroup
	for i := range bands {
		wg.Go(func() {
			bands[i].deflate(img, height*i/len(bands), height*(i+1)/len(bands), i == len(bands)-1)
		})
	}
	wg.Wait()

	bw := bufio.NewWriterSize(w, idatSize)
	bw.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 8, 2 // 8 bits per sample, RGB
	writeChunk(bw, "IHDR", ihdr[:])
	idat := &idatWriter{w: bw}
	idat.Write([]byte{0x78, 0x01}) // zlib header: deflate, 32 KiB window, fastest
	sum := uint32(1)
	for _, b := range bands {
		if b.err != nil {
			return b.err
		}
		idat.Write(b.out.Bytes())
		sum = adler32Combine(sum, b.sum, b.n)
		bandBuffers.Put(b.out)
	}
	idat.Write(binary.BigEndian.AppendUint32(nil, sum))
	idat.flush()
	writeChunk(bw, "IEND", nil)
	if idat.err != nil {
		return idat.err
	}
	return bw.Flush()
}

// maxBands bounds the parallel compression of one image.
const maxBands = 4

// band is the compressed filtered rows y0…y1-1 of an image.
type band struct {
	out *bytes.Buffer
	sum uint32 // Adler-32 of the uncompressed bytes
	n   int    // number of uncompressed bytes
	err error
}

var (
	bandBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	compressors = sync.Pool{New: func() any {
		fw, _ := flate.NewWriter(nil, flate.BestSpeed)
		return fw
	}}
)

// deflate filters and compresses rows y0…y1-1 of img, ending the deflate
// stream if last and flushing it to a byte boundary otherwise.
func (b *band) deflate(img *image.RGBA, y0, y1 int, last bool) {
	b.out = bandBuffers.Get().(*bytes.Buffer)
	b.out.Reset()
	fw := compressors.Get().(*flate.Writer)
	defer compressors.Put(fw)
	fw.Reset(b.out)
	sum := adler32.New()

	width := img.Rect.Dx()
	line := make([]byte, 1+3*width)
	line[0] = 2 // the Up filter: each byte minus the one above it
	prev := make([]byte, 4*width)
	if y0 > 0 {
		prev = img.Pix[(y0-1)*img.Stride:]
	}
	for y := y0; y < y1; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*width]
		for x, j := 0, 1; x < 4*width; x, j = x+4, j+3 {
			line[j] = row[x] - prev[x]
			line[j+1] = row[x+1] - prev[x+1]
			line[j+2] = row[x+2] - prev[x+2]
		}
		sum.Write(line)
		if _, err := fw.Write(line); err != nil {
			b.err = err
			return
		}
		prev = row
	}
	if last {
		b.err = fw.Close()
	} else {
		b.err = fw.Flush()
	}
	b.sum, b.n = sum.Sum32(), (y1-y0)*len(line)
}

// adler32Combine returns the Adler-32 of the concatenation of two byte
// strings given their checksums and the second one's length (zlib's
// adler32_combine).
func adler32Combine(a1, a2 uint32, n2 int) uint32 {
	const mod = 65521
	rem := uint32(n2 % mod)
	s1 := a1 & 0xFFFF
	s2 := rem * s1 % mod
	s1 = (s1 + a2&0xFFFF + mod - 1) % mod
	s2 = (s2 + a1>>16 + a2>>16 + mod - rem) % mod
	return s2<<16 | s1
}

// idatSize is the largest IDAT chunk written.
const idatSize = 64 << 10

// idatWriter cuts the compressed stream into IDAT chunks.
type idatWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

// Write implements io.Writer.
func (iw *idatWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), idatSize-len(iw.buf))
		iw.buf = append(iw.buf, p[:k]...)
		p = p[k:]
		if len(iw.buf) == idatSize {
			iw.flush()
		}
	}
	return n, iw.err
}

// flush writes the buffered bytes as one chunk.
func (iw *idatWriter) flush() {
	if len(iw.buf) > 0 && iw.err == nil {
		iw.err = writeChunk(iw.w, "IDAT", iw.buf)
	}
	iw.buf = iw.buf[:0]
}

// writeChunk writes one PNG chunk: length, type, data and CRC.
func writeChunk(w *bufio.Writer, kind string, data []byte) error {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	w.WriteString(kind)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	_, err := w.Write(n[:])
	return err
}
