global using Nabla.Data;
global using Nabla.Layers;
global using Nabla.Losses;
global using Nabla.Models;
global using Nabla.Optimizers;
global using Nabla.Tensors;
global using Nabla.Training;
