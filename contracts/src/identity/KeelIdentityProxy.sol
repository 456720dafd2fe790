// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IBeacon} from "@openzeppelin/contracts/proxy/beacon/IBeacon.sol";

/// @title KeelIdentityProxy — the per-investor identity: a minimal beacon proxy.
/// @notice Every identity delegates to the implementation its beacon names, so one beacon
/// upgrade moves every identity. Unlike OpenZeppelin's BeaconProxy it keeps the beacon
/// only in its code (immutable) and writes no ERC-1967 slot: deploying one is cheaper
/// (no storage write, ~4x less code). The trade-off: explorers do not detect it as a
/// beacon proxy; `IdentityFactory.identityBeacon()` names the beacon.
contract KeelIdentityProxy {
    address private immutable _beacon;

    error InitializationFailed();

    constructor(address beacon, bytes memory initData) payable {
        _beacon = beacon;
        (bool ok, bytes memory ret) = IBeacon(beacon).implementation().delegatecall(initData);
        if (!ok) {
            if (ret.length == 0) revert InitializationFailed();
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    fallback() external payable {
        address beacon = _beacon;
        assembly {
            // implementation() of the beacon
            mstore(0, 0x5c60da1b00000000000000000000000000000000000000000000000000000000)
            if iszero(staticcall(gas(), beacon, 0, 4, 0, 32)) { revert(0, 0) }
            let impl := mload(0)
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), impl, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}
