// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IComplianceModule, ModuleHooks} from "./interfaces/IComplianceModule.sol";
import {IKeelCompliance} from "./interfaces/IKeelCompliance.sol";

/// @title Ordered list of compliance modules shared by ModularCompliance and GlobalCompliance.
/// @dev Each entry packs the module address with the hook flags it asked for, so the
/// hot path reads one slot per module and skips hooks a module does not use.
abstract contract ModuleList {
    uint256 public constant MAX_MODULES = 25;

    struct ModuleEntry {
        IComplianceModule module;
        uint8 hooks;
    }

    error ModuleAlreadyBound(address module);
    error ModuleNotBound(address module);
    error TooManyModules(uint256 max);
    error InvalidModuleOrder();
    error ModuleZeroAddress();

    ModuleEntry[] internal _modules;
    mapping(address module => bool) internal _isBound;

    function _addModule(address module) internal {
        if (module == address(0)) revert ModuleZeroAddress();
        if (_isBound[module]) revert ModuleAlreadyBound(module);
        if (_modules.length >= MAX_MODULES) revert TooManyModules(MAX_MODULES);
        IComplianceModule m = IComplianceModule(module);
        m.onBind();
        _modules.push(ModuleEntry({module: m, hooks: m.hooks()}));
        _isBound[module] = true;
    }

    function _removeModule(address module) internal {
        if (!_isBound[module]) revert ModuleNotBound(module);
        uint256 n = _modules.length;
        uint256 i = 0;
        while (address(_modules[i].module) != module) ++i;
        for (; i + 1 < n; ++i) {
            _modules[i] = _modules[i + 1];
        }
        _modules.pop();
        _isBound[module] = false;
        IComplianceModule(module).onUnbind();
    }

    /// @dev `order` must be a permutation of the bound modules.
    function _setModuleOrder(address[] calldata order) internal {
        uint256 n = _modules.length;
        if (order.length != n) revert InvalidModuleOrder();
        ModuleEntry[] memory next = new ModuleEntry[](n);
        for (uint256 i = 0; i < n; ++i) {
            bool found = false;
            for (uint256 j = 0; j < n; ++j) {
                if (address(_modules[j].module) == order[i]) {
                    next[i] = _modules[j];
                    found = true;
                    break;
                }
            }
            if (!found) revert InvalidModuleOrder();
            for (uint256 k = 0; k < i; ++k) {
                if (address(next[k].module) == order[i]) revert InvalidModuleOrder();
            }
        }
        for (uint256 i = 0; i < n; ++i) {
            _modules[i] = next[i];
        }
    }

    /// @dev Starts a fresh epoch in every module (used when the engine's token changes).
    function _resetModules() internal {
        uint256 n = _modules.length;
        for (uint256 i = 0; i < n; ++i) {
            IComplianceModule m = _modules[i].module;
            m.onUnbind();
            m.onBind();
        }
    }

    function _moduleAddresses() internal view returns (address[] memory list) {
        uint256 n = _modules.length;
        list = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            list[i] = address(_modules[i].module);
        }
    }

    /// @dev Fail-fast evaluation in binding order; wraps the module's error with its address.
    function _check(address token, address from, address to, uint256 amount) internal view {
        uint256 n = _modules.length;
        for (uint256 i = 0; i < n; ++i) {
            IComplianceModule m = _modules[i].module;
            try m.checkTransfer(token, from, to, amount) {}
            catch (bytes memory reason) {
                revert IKeelCompliance.ComplianceModuleRejected(address(m), reason);
            }
        }
    }

    function _explain(address token, address from, address to, uint256 amount)
        internal
        view
        returns (address, bytes memory)
    {
        uint256 n = _modules.length;
        for (uint256 i = 0; i < n; ++i) {
            IComplianceModule m = _modules[i].module;
            try m.checkTransfer(token, from, to, amount) {}
            catch (bytes memory reason) {
                return (address(m), reason);
            }
        }
        return (address(0), "");
    }

    function _hookTransferred(address token, address from, address to, uint256 amount) internal {
        uint256 n = _modules.length;
        for (uint256 i = 0; i < n; ++i) {
            ModuleEntry memory e = _modules[i];
            if (e.hooks & ModuleHooks.TRANSFERRED != 0) e.module.transferred(token, from, to, amount);
        }
    }

    function _hookCreated(address token, address to, uint256 amount) internal {
        uint256 n = _modules.length;
        for (uint256 i = 0; i < n; ++i) {
            ModuleEntry memory e = _modules[i];
            if (e.hooks & ModuleHooks.CREATED != 0) e.module.created(token, to, amount);
        }
    }

    function _hookDestroyed(address token, address from, uint256 amount) internal {
        uint256 n = _modules.length;
        for (uint256 i = 0; i < n; ++i) {
            ModuleEntry memory e = _modules[i];
            if (e.hooks & ModuleHooks.DESTROYED != 0) e.module.destroyed(token, from, amount);
        }
    }

    /// @dev Configuration call into a bound module; the module sees this engine as caller.
    function _callModule(bytes calldata callData, address module) internal {
        if (!_isBound[module]) revert ModuleNotBound(module);
        (bool ok, bytes memory ret) = module.call(callData);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }
}
