// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {IGlobalCompliance} from "./interfaces/IGlobalCompliance.sol";
import {ModuleList} from "./ModuleList.sol";
import {ActivityMarker} from "../system/ActivityMarker.sol";
import {KeelRoles} from "../token/KeelRoles.sol";
import {IToken} from "../interfaces/erc3643/IToken.sol";

/// @title GlobalCompliance — the deployment-wide policy every token's compliance
/// consults after its own modules. Modules keep per-token state keyed by the token.
contract GlobalCompliance is Initializable, AccessControlUpgradeable, UUPSUpgradeable, ModuleList, IGlobalCompliance {
    error NotTokenCompliance(address caller, address token);

    event ModuleAdded(address indexed module);
    event ModuleRemoved(address indexed module);
    event ModulesReordered(address[] modules);
    event ModuleInteraction(address indexed target, bytes4 selector);

    constructor(bool asImplementation) {
        if (asImplementation) _disableInitializers();
    }

    function initialize(address admin) external initializer {
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, admin);
    }

    /// @dev Hooks come from the compliance currently bound to `token`, so one token
    /// cannot write another token's module state. With no global modules the hook is a
    /// no-op and skips that lookup (it runs on every transfer of every token).
    function _onlyComplianceOf(address token) private view {
        if (address(IToken(token).compliance()) != msg.sender) revert NotTokenCompliance(msg.sender, token);
    }

    /// @notice Binding a module also deploys this policy's activity marker (once): from
    /// then on every compliance calls this contract on every movement (`ActivityMarker`).
    function addModule(address module) external onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE) {
        ActivityMarker.activate();
        _addModule(module);
        emit ModuleAdded(module);
    }

    /// @notice Deploys the activity marker if this policy has modules but no marker (e.g.
    /// modules bound by an implementation that predates the marker). Anyone may call it.
    function syncActivityMarker() external {
        if (_modules.length != 0) ActivityMarker.activate();
    }

    /// @notice Whether compliances consult this policy (it has had a module at some point).
    function isActive() external view returns (bool) {
        return ActivityMarker.isActive(address(this));
    }

    function removeModule(address module) external onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE) {
        _removeModule(module);
        emit ModuleRemoved(module);
    }

    function setModuleOrder(address[] calldata order) external onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE) {
        _setModuleOrder(order);
        emit ModulesReordered(order);
    }

    function callModuleFunction(bytes calldata callData, address module)
        external
        onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE)
    {
        _callModule(callData, module);
        emit ModuleInteraction(module, bytes4(callData[:4]));
    }

    function checkTransfer(address token, address from, address to, uint256 amount) external view {
        _check(token, from, to, amount);
    }

    function explainTransfer(address token, address from, address to, uint256 amount)
        external
        view
        returns (address, bytes memory)
    {
        return _explain(token, from, to, amount);
    }

    function transferred(address token, address from, address to, uint256 amount) external {
        if (_modules.length == 0) return;
        _onlyComplianceOf(token);
        _hookTransferred(token, from, to, amount);
    }

    function created(address token, address to, uint256 amount) external {
        if (_modules.length == 0) return;
        _onlyComplianceOf(token);
        _hookCreated(token, to, amount);
    }

    function destroyed(address token, address from, uint256 amount) external {
        if (_modules.length == 0) return;
        _onlyComplianceOf(token);
        _hookDestroyed(token, from, amount);
    }

    function getModules() external view returns (address[] memory) {
        return _moduleAddresses();
    }

    function isModuleBound(address module) external view returns (bool) {
        return _isBound[module];
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
