global using System.Numerics;
global using Nabla.Tensors;
