global using System.Numerics;
global using Nabla.Compute;
global using Nabla.Tensors;
