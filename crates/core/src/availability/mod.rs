//! Availability engine: free slots for a service over staff, rooms and devices.
