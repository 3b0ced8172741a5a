//! Working memory reused from batch to batch.
//!
//! Scoring a batch needs a handful of arrays the size of the batch (the
//! answered mask, centred values, products). Allocated afresh for every
//! batch, arrays of a few hundred kilobytes go back to the operating system
//! when freed and come back as page faults next time, which costs more than
//! the arithmetic on small matrices. A [`Workspace`] keeps them: a thread
//! that scores many batches passes the same workspace every time
//! ([`Scorer::score_batch_in`](crate::Scorer::score_batch_in)), and the
//! built-in strategies take their arrays from it and give them back.

use ndarray::Array2;

/// At most this many buffers are kept; more would only hold memory.
const KEPT: usize = 16;

/// A pool of buffers for batch-sized arrays, one per thread.
#[derive(Debug, Default)]
pub struct Workspace {
    free: Vec<Vec<f64>>,
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Self {
        Workspace::default()
    }

    /// An array of zeros of `shape`, in standard layout, built in a kept
    /// buffer when one is large enough.
    pub fn zeros(&mut self, shape: (usize, usize)) -> Array2<f64> {
        let mut a = self.array(shape);
        a.fill(0.0);
        a
    }

    /// An array of `shape` in standard layout whose contents are whatever
    /// numbers its buffer last held (never uninitialised memory), for a
    /// caller that overwrites every element: it saves clearing the buffer.
    pub fn array(&mut self, shape: (usize, usize)) -> Array2<f64> {
        let len = shape.0 * shape.1;
        let pick = self
            .free
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= len)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(i, _)| i)
            .or_else(|| (!self.free.is_empty()).then(|| self.largest()));
        let mut buffer = pick.map(|i| self.free.swap_remove(i)).unwrap_or_default();
        // Only new elements are written; kept ones keep their old values.
        buffer.resize(len, 0.0);
        Array2::from_shape_vec(shape, buffer).expect("the buffer holds exactly the shape")
    }

    /// Takes an array's buffer back for later batches.
    pub fn give(&mut self, array: Array2<f64>) {
        let (buffer, _) = array.into_raw_vec_and_offset();
        if self.free.len() < KEPT {
            self.free.push(buffer);
        } else if let Some((i, _)) = self
            .free
            .iter()
            .enumerate()
            .min_by_key(|(_, v)| v.capacity())
            .filter(|(_, v)| v.capacity() < buffer.capacity())
        {
            // Keep the larger buffers: they serve any smaller request.
            self.free[i] = buffer;
        }
    }

    fn largest(&self) -> usize {
        self.free
            .iter()
            .enumerate()
            .max_by_key(|(_, v)| v.capacity())
            .map_or(0, |(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_are_zeroed_and_buffers_reused() {
        let mut ws = Workspace::new();
        let mut a = ws.zeros((3, 4));
        a.fill(7.0);
        let ptr = a.as_ptr();
        ws.give(a);
        let b = ws.zeros((2, 5));
        assert_eq!(b.as_ptr(), ptr, "the kept buffer is reused");
        assert!(b.iter().all(|&v| v == 0.0));
        assert_eq!(b.dim(), (2, 5));
        let c = ws.zeros((10, 10));
        assert_eq!(c.len(), 100);
    }

    #[test]
    fn keeps_a_bounded_number_of_buffers() {
        let mut ws = Workspace::new();
        for i in 1..40 {
            ws.give(Array2::zeros((i, 3)));
        }
        assert_eq!(ws.free.len(), KEPT);
        assert!(
            ws.free.iter().all(|v| v.capacity() >= 3 * 20),
            "the larger ones are kept"
        );
    }
}
